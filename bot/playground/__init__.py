"""`mysay try`: the real bot against a local Bot API emulator, played in a terminal."""
