"""The web channels: the staff workspace (`bot.web.staff`) and what web pages share (`common`)."""
