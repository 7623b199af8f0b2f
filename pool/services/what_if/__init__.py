"""What-if (模拟测算): drafts of a criteria set, their simulation against a batch, and publishing."""
