/*
 * util/error.c - texts for the error codes of util/error.h.
 */
#include "config.h"
#include "util/error.h"

const char *
res_strerror(int err)
{
	switch (err) {
	case RES_OK:		return "success";
	case RES_ENOMEM:	return "out of memory";
	case RES_EMALFORMED:	return "malformed data";
	case RES_ESPACE:	return "no space in buffer";
	case RES_ESYNTAX:	return "syntax error";
	case RES_ENOTFOUND:	return "not found";
	case RES_EINVAL:	return "invalid argument";
	case RES_ESYSTEM:	return "system error";
	case RES_ENOTSUP:	return "not supported";
	case RES_ELIMIT:	return "limit exceeded";
	case RES_EEXIST:	return "already exists";
	case RES_EBOGUS:	return "signature or digest does not verify";
	}
	return "unknown error";
}
