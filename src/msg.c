/*
 * msg.c: the failure lines (see msg.h).
 */
#include <stdarg.h>
#include <string.h>

#include "fmt.h"
#include "msg.h"
#include "progress.h"
#include "url.h"

/* Until uf_msg_init(), everything is shown: usage errors come first. */
static int			msg_no_notes, msg_no_errors;
static struct uf_progress	*msg_prog;

/*
 * url for a message, in dst (cap bytes), with the password of its user
 * info, if any, shown as "***": stderr ends up in logs (wget hides it
 * the same way).
 */
static void
hide_password(char *dst, size_t cap, const char *url)
{
	const char	*p = uf_url_scheme_sep(url), *end, *at, *colon;

	uf_snprintf(dst, cap, "%s", url);
	if (p == NULL) {
		p = url;	/* no scheme: http is assumed */
	} else {
		p += 3;
	}
	end = p + strcspn(p, "/?#");
	for (at = end; at > p && at[-1] != '@'; at--) {
		continue;
	}
	colon = memchr(p, ':', (size_t)(at - p));
	if (at > p && colon != NULL) {
		uf_snprintf(dst, cap, "%.*s***%s", (int)(colon + 1 - url), url,
		    at - 1);
	}
}

/* see msg.h */
void
uf_msg_init(int silent, int show_error, struct uf_progress *prog)
{
	msg_no_notes = silent;
	msg_no_errors = silent && !show_error;
	msg_prog = prog;
}

/* see msg.h */
void
uf_msg_url(char *dst, size_t cap, const char *url)
{
	hide_password(dst, cap, url);
	uf_sanitize(dst, cap, dst, strlen(dst));
}

/* see msg.h */
void
uf_msg(const char *url, const char *fmt, ...)
{
	char	buf[1024], clean[256];
	va_list	ap;
	int	n = 0;

	if (msg_no_errors) {
		return;
	}
	if (msg_prog != NULL) {
		uf_progress_break(msg_prog);
	}
	if (url != NULL) {
		uf_msg_url(clean, sizeof clean, url);
		n = uf_snprintf(buf, sizeof buf, "ufetch: %s: ", clean);
	} else {
		n = uf_snprintf(buf, sizeof buf, "ufetch: ");
	}
	va_start(ap, fmt);
	n += uf_vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if ((size_t)n > sizeof buf - 2) {
		n = (int)sizeof buf - 2;
	}
	buf[n++] = '\n';
	(void)uf_write_all(2, buf, (size_t)n);
}

/* see msg.h */
void
uf_msg_note(const char *url, const char *text)
{
	if (!msg_no_notes) {
		uf_msg(url, "%s", text);
	}
}

