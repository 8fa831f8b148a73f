# iterator/iterator.mk - the iterator module: delegation points, root
# hints, forward and stub zones, the resolution state machine.
libresolute_a_SOURCES += iterator/delegpt.c iterator/delegpt.h \
	iterator/hints.c iterator/hints.h iterator/iter_fwd.c \
	iterator/iter_fwd.h iterator/iterator.c iterator/iterator.h
