"""What maps and scorecards share: report periods (Beijing calendar), their query arguments, and
`flask reports refresh`."""
