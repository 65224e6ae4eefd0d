"""Annual progress reports, the agencies' answers on them, the mid-term gate and reminders."""
