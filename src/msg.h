/*
 * msg.h: the one line on stderr for each failure, "ufetch: URL:
 * reason", and nothing else: every message of a run goes through here.
 * URLs are shown with the password of their user info as "***" and
 * every unprintable byte as '?'; a progress line being drawn is ended
 * first. Set once, before the first message; read-only after that.
 */
#ifndef UF_MSG_H
#define UF_MSG_H

struct uf_progress;

/* -s: print nothing. prog: the progress line to break, or NULL. */
void	uf_msg_init(int silent, struct uf_progress *prog);

/* One line: "ufetch: URL: " (url may be NULL) and the message. */
void	uf_msg(const char *url, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
