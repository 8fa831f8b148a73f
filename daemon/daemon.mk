# daemon/daemon.mk - the daemon and the small programs' main()s.
sbin_PROGRAMS += resolute resolute-control
resolute_SOURCES = daemon/resolute.c
resolute_control_SOURCES = daemon/resolute-control.c
