/*
 * util/error.h - the one error convention of resolute.
 *
 * Constructors return NULL on failure.  Actions return 0 (RES_OK) or one
 * of the negative codes below; callers compare against these names, never
 * against literal numbers.  Predicates (is_/has_) return 0 or 1 and are
 * not errors.  res_strerror() gives the text for logs and messages.
 */
#ifndef UTIL_ERROR_H
#define UTIL_ERROR_H

/** Result codes of actions.  0 is success, every failure is negative. */
enum res_error {
	RES_OK = 0,
	/** Out of memory; survivable on the query path. */
	RES_ENOMEM = -1,
	/** Malformed input (wire format, packet, record data). */
	RES_EMALFORMED = -2,
	/** The output buffer is too small for the result. */
	RES_ESPACE = -3,
	/** Syntax error in presentation format or configuration. */
	RES_ESYNTAX = -4,
	/** Not found. */
	RES_ENOTFOUND = -5,
	/** Invalid argument (a caller's mistake, or out-of-range value). */
	RES_EINVAL = -6,
	/** System call failed; errno tells more. */
	RES_ESYSTEM = -7,
	/** The operation is not supported (unknown type, algorithm...). */
	RES_ENOTSUP = -8,
	/** A limit was exceeded (loop, depth, count, budget). */
	RES_ELIMIT = -9,
	/** The entry exists already. */
	RES_EEXIST = -10,
	/** Cryptographic check failed: a signature or digest that does not
	 * verify (DNSSEC "bogus", RFC 4035 section 4.3). */
	RES_EBOGUS = -11
};

/**
 * Text for an error code.
 * @param err: a value of enum res_error.
 * @return a static string, never NULL.
 */
const char *res_strerror(int err);

#endif /* UTIL_ERROR_H */
