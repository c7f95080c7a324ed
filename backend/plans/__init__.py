"""Inspection plans (巡查计划) and the tasks they materialise on the working calendar."""
