/*
 * services/modstack.h - the module stack: the chain of modules that
 * module-config names, and the resolver of one thread built on it (module
 * environment, outside network, mesh).
 *
 * The daemon's workers, resolute-checkconf and the replay harness all go
 * through this file, so the chain they run and the checks on
 * module-config are the same code:
 *
 *	struct modstack st;
 *	if (modstack_config(&st, cfg->module_config, "file:line") != 0)
 *		fail;
 *	struct module_env shared = { .cfg = cfg, caches, hints, ... };
 *	struct modstack_thread *t = modstack_thread_create(&st, &shared,
 *	    base, NULL, reply_fn, reply_arg, 0);
 *	... mesh_new_client(t->mesh, ...) on the thread's event loop ...
 *	modstack_thread_delete(t);
 *
 * A thread's resolver is used only on its own thread; the shared parts
 * of the environment (caches, hints, anchors) are the caller's and must
 * outlive it.
 */
#ifndef SERVICES_MODSTACK_H
#define SERVICES_MODSTACK_H
#include <time.h>
#include "services/mesh.h"
#include "util/module.h"

struct comm_base;
struct outnet_io;
struct outside_network;
struct random_state;

/** The module chain of a configuration. */
struct modstack {
	/** The modules, first to last (the iterator is last). */
	struct module_func_block *mod[MODULE_MAX];
	/** How many. */
	int num;
	/** 1 when the validator is in the chain. */
	int validating;
	/** 1 when the cachedb module (the shared cache) is in it. */
	int cachedb;
};

/**
 * Read module-config into a chain.  The chains resolute has are
 * "iterator" and "validator iterator", each with "cachedb" before the
 * iterator if wanted (Unbound's "validator cachedb iterator"); an
 * unknown or repeated module, a validator that is not first, or a chain
 * that does not end with the iterator, is an error.
 * @param st: receives the chain.
 * @param module_config: the option's value; NULL means "iterator".
 * @param where: where it was set ("file:line", config_where()), for the
 *	message.
 * @return 0, or RES_ESYNTAX with the reason logged ("where: module-config:
 *	...").
 */
int modstack_config(struct modstack *st, const char *module_config,
	const char *where);

/** The resolver of one thread. */
struct modstack_thread {
	/** The module environment (env.now points to now). */
	struct module_env env;
	/** The thread's clock, seconds; set by its users per event. */
	time_t now;
	/** The thread's CSPRNG (NULL in a deterministic thread). */
	struct random_state *rnd;
	/** Upstream queries. */
	struct outside_network *outnet;
	/** Queries in progress. */
	struct mesh_area *mesh;
	/** The chain (the caller's; it outlives the thread). */
	const struct modstack *stack;
	/** Modules whose init() ran (deinit() runs for them at the end). */
	int inited;
};

/**
 * Build the resolver of a thread: its own CSPRNG, outside network and
 * mesh over the shared parts, then every module's init().
 * @param st: the chain.
 * @param shared: the environment's shared parts (cfg, caches, hints,
 *	forwards, anchors, note_bogus); copied.
 * @param base: the thread's event base.
 * @param io: the wire under the outside network; NULL for sockets (the
 *	daemon), a script in tests.
 * @param reply: how network clients are answered.
 * @param reply_arg: its argument.
 * @param deterministic: 1 to leave env.rnd NULL (no random choices:
 *	the replay harness).
 * @return the resolver or NULL (the reason logged).
 */
struct modstack_thread *modstack_thread_create(const struct modstack *st,
	const struct module_env *shared, struct comm_base *base,
	const struct outnet_io *io, mesh_reply_func reply, void *reply_arg,
	int deterministic);

/**
 * Point a thread's environment at new shared parts (after a reload,
 * with the thread stopped).
 * @param t: the resolver.
 * @param shared: the new shared parts (cfg, hints, forwards, anchors).
 */
void modstack_thread_update(struct modstack_thread *t,
	const struct module_env *shared);

/** Delete a thread's resolver: the mesh (clients get no answer), the
 * modules' deinit(), the outside network.  NULL ok. */
void modstack_thread_delete(struct modstack_thread *t);

#endif /* SERVICES_MODSTACK_H */
