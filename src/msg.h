/*
 * msg.h: the one line on stderr for each failure, "ufetch: URL:
 * reason", and for each retry; nothing else: every message of a run
 * goes through here. URLs are shown with the password of their user
 * info as "***" and every unprintable byte as '?'; a progress line
 * being drawn is ended first. Set once, before the first message;
 * read-only after that.
 */
#ifndef UF_MSG_H
#define UF_MSG_H

#include <stddef.h>

struct uf_progress;

/*
 * -s: print nothing; with -S (show_error), the failure lines still.
 * prog: the progress line to break, or NULL.
 */
void	uf_msg_init(int silent, int show_error, struct uf_progress *prog);

/* A failure: "ufetch: URL: " (url may be NULL) and the message. */
void	uf_msg(const char *url, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The same for what is no failure (a retry): never under -s. */
void	uf_msg_note(const char *url, const char *text);

/* url as messages show it, in dst (cap bytes). */
void	uf_msg_url(char *dst, size_t cap, const char *url);

#endif
