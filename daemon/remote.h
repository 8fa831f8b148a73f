/*
 * daemon/remote.h - the control channel: the daemon side of
 * resolute-control (remote-control: clause).
 *
 * The channel listens on each control-interface: a loopback address
 * (TCP port control-port, TLS with mutual certificates when
 * control-use-cert is yes) or an absolute path (a Unix socket, mode
 * 0660, no TLS: file permissions guard it).  Sockets are opened and the
 * key files read in daemon_remote_create(), before privileges are
 * dropped; daemon_remote_attach() starts accepting on the main thread's
 * event base, which otherwise only serves signals, timers and the HTTP
 * statistics endpoint, so a control client never delays resolution in
 * the worker threads.
 *
 * Protocol: the client sends one line, "RESOLUTE1 <command> [args]\n";
 * load_cache follows it with its text and a line "%end".  The server
 * streams its output as lines and ends with one status line, "%ok" or
 * "%error <text>"; a connection that closes without it failed.
 *
 * Connections are served side by side on that event loop and none waits
 * for a client: the request line is read as it comes (a client that
 * sends none is closed after REMOTE_IO_TIMEOUT), then the whole text of
 * load_cache, up to "%end", within 2 * REMOTE_IO_TIMEOUT however slowly
 * it comes; the command runs on what was read, and its output is
 * written as far as the socket takes it, the rest held in memory
 * (bounded) and sent as the socket becomes writable, all of it within
 * 2 * REMOTE_IO_TIMEOUT after the command, else the connection is
 * dropped.  A client that stalls costs memory for that long, never the
 * time of other clients, signals or the workers.  A client that
 * disconnects makes the write fail and the command stop.  trace writes
 * from a thread of its own (blocking, each write bounded by
 * REMOTE_IO_TIMEOUT).  See remote.c.
 *
 * Commands that change what the workers read (local data) pause the
 * workers (daemon_pause_workers()) while they do it; reload is
 * daemon_reload(), as SIGHUP.  Statistics are the workers' counters
 * read without locks and summed; "stats" subtracts a snapshot taken at
 * the previous reset, so workers never see a write from this thread.
 */
#ifndef DAEMON_REMOTE_H
#define DAEMON_REMOTE_H

#include <sys/types.h>

struct config;
struct daemon;
struct daemon_remote;

/** Seconds a control client has for its request line; twice that for
 * the text of load_cache and for taking the output of a command; the
 * most a trace's write may wait. */
#define REMOTE_IO_TIMEOUT 10

/** The first word of every request, naming the protocol version. */
#define REMOTE_MAGIC "RESOLUTE1"

/**
 * Open the control sockets of a config and load the TLS keys.
 * @param cfg: the config (control-interface, control-port,
 *	control-use-cert, server-key-file, server-cert-file).
 * @return the channel, or NULL with the reason logged.
 */
struct daemon_remote *daemon_remote_create(const struct config *cfg);

/** Close the sockets and free the channel.  NULL ok. */
void daemon_remote_delete(struct daemon_remote *rc);

/**
 * Start accepting control connections on the daemon's event base.
 * @param rc: the channel.
 * @param d: the daemon, its base created.
 * @return 0, or RES_ESYSTEM (logged).
 */
int daemon_remote_attach(struct daemon_remote *rc, struct daemon *d);

/** Stop accepting (before the base goes away).  NULL ok. */
void daemon_remote_detach(struct daemon_remote *rc);

/**
 * Give the directories made for Unix control sockets to the user the
 * daemon is about to run as, so that the sockets can be removed at the
 * end.  NULL rc is ok.
 */
void daemon_remote_chown(struct daemon_remote *rc, uid_t uid, gid_t gid);

#endif /* DAEMON_REMOTE_H */
