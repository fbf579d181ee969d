"""Text primitives shared by the whole house: the sentence splitter and the date reader."""
