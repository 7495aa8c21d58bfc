/*
 * args.h: the words of a command line, read against a table of
 * options. Short letters combine ("-qk"), take a value attached or in
 * the next word ("-ofile", "-o file"); long names are spelled in full
 * ("--name", "--name=value", "--name value"), never abbreviated: a
 * prefix of a name is an unknown option, so "--user" can never be
 * taken for "--user-agent". "--" ends the options; every other word
 * ("-" included) is handed back in order, wherever it stands.
 *
 * No global state, nothing allocated: the caller owns argv (whose
 * words are reordered in place) and the table.
 */
#ifndef UF_ARGS_H
#define UF_ARGS_H

#include <stddef.h>

/* What an option takes. */
enum {
	UF_ARG_FLAG,	/* nothing */
	UF_ARG_VALUE,	/* a value: attached, after '=', or the next word */
	UF_ARG_JOINED	/* short only: a value if attached ("-nv"), else
			   none; the next word is never taken */
};

/* One option of a table. */
struct uf_optdef {
	const char	*name;	/* long name without "--"; NULL: none */
	char		letter;	/* short letter; 0: none */
	unsigned char	kind;	/* UF_ARG_* */
	unsigned short	id;	/* what the caller does for it */
};

/* Results of uf_args_next() besides an option's id. */
enum {
	UF_ARGS_END = -1,	/* no option left */
	UF_ARGS_UNKNOWN = -2,	/* no such option (name in 'opt') */
	UF_ARGS_NOVALUE = -3,	/* its value is missing */
	UF_ARGS_NOTFLAG = -4	/* "--flag=value" for a flag */
};

/*
 * The reader's state; zero it, then set argc and argv. After
 * UF_ARGS_END the words that are no options are argv[1..1 + nfree).
 */
struct uf_args {
	int		argc;
	char		**argv;
	int		i;		/* next word (0: start at 1) */
	const char	*cluster;	/* rest of a short cluster */
	int		nfree;
	int		ended;		/* "--" seen */
	const char	*val;		/* the value of the option returned */
	char		opt[40];	/* the option, for messages (a long
					   one without its value) */
};

/*
 * The next option of args in tab[0..n): its id, with args->val set
 * (NULL for a flag), or a UF_ARGS_* code.
 */
int	uf_args_next(struct uf_args *args, const struct uf_optdef *tab,
	    size_t n);

#endif
