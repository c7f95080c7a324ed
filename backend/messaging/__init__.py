"""Outbound messages to people's phones (SMS), behind one small interface so a city can plug in
its own gateway by URL and key; no cloud SDK is needed to run or to test."""
