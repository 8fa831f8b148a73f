# doc/doc.mk - manual pages and the example config.
#
# The option reference of resolute.conf(5) and the example config are
# generated from the option table (util/config_options.h) by the built
# resolute-checkconf, so they always list exactly the options the parser
# knows.  The other pages are written by hand and distributed as they are.
man_MANS = doc/resolute.conf.5 doc/resolute.8 doc/resolute-checkconf.8 \
	doc/resolute-control.8 doc/resolute-anchor.8

exampledir = $(docdir)
example_DATA = doc/example.conf

CLEANFILES += $(man_MANS) doc/example.conf
EXTRA_DIST += doc/resolute.conf.5.in doc/resolute.8.in \
	doc/resolute-checkconf.8.in doc/resolute-control.8.in \
	doc/resolute-anchor.8.in test/doc.sh
TESTS += test/doc.sh

# resolute.conf(5): the hand-written page with the generated reference in
# place of its marker line, and the installation's paths filled in with
# a break point (\:) after each '/', so a long prefix still fits a line.
doc/resolute.conf.5: $(srcdir)/doc/resolute.conf.5.in \
    resolute-checkconf$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) doc && \
	./resolute-checkconf$(EXEEXT) --man >$@.opts && \
	sed -e '/^\.\\" [@]OPTIONS[@]$$/r $@.opts' \
	    -e '/^\.\\" [@]OPTIONS[@]$$/d' \
	    -e 's|[@]sysconfdir[@]|$(subst /,/\\:,$(sysconfdir))|g' \
	    -e 's|[@]docdir[@]|$(subst /,/\\:,$(docdir))|g' \
	    -e 's|[@]VERSION[@]|$(VERSION)|g' \
	    $(srcdir)/doc/resolute.conf.5.in >$@.tmp && \
	rm -f $@.opts && mv $@.tmp $@

# The other pages: the installation's paths filled in, the same way.
MAN_PATHS = sed -e 's|[@]sysconfdir[@]|$(subst /,/\\:,$(sysconfdir))|g' \
	-e 's|[@]runstatedir[@]|$(subst /,/\\:,$(runstatedir))|g' \
	-e 's|[@]VERSION[@]|$(VERSION)|g'
doc/resolute.8: $(srcdir)/doc/resolute.8.in
	$(AM_V_GEN)$(MKDIR_P) doc && $(MAN_PATHS) \
	    $(srcdir)/doc/resolute.8.in >$@.tmp && mv $@.tmp $@
doc/resolute-checkconf.8: $(srcdir)/doc/resolute-checkconf.8.in
	$(AM_V_GEN)$(MKDIR_P) doc && $(MAN_PATHS) \
	    $(srcdir)/doc/resolute-checkconf.8.in >$@.tmp && mv $@.tmp $@
doc/resolute-control.8: $(srcdir)/doc/resolute-control.8.in
	$(AM_V_GEN)$(MKDIR_P) doc && $(MAN_PATHS) \
	    $(srcdir)/doc/resolute-control.8.in >$@.tmp && mv $@.tmp $@
doc/resolute-anchor.8: $(srcdir)/doc/resolute-anchor.8.in
	$(AM_V_GEN)$(MKDIR_P) doc && $(MAN_PATHS) \
	    $(srcdir)/doc/resolute-anchor.8.in >$@.tmp && mv $@.tmp $@

# make install puts a commented config (every option at its default) in
# place, unless there is one: an operator's config is never overwritten.
install-data-hook:
	@conf="$(DESTDIR)$(sysconfdir)/resolute/resolute.conf"; \
	if test -f "$$conf"; then \
		echo "keeping $$conf"; \
	else \
		$(MKDIR_P) "$(DESTDIR)$(sysconfdir)/resolute" && \
		$(INSTALL_DATA) doc/example.conf "$$conf" && \
		echo "installed $$conf"; \
	fi

doc/example.conf: resolute-checkconf$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) doc && \
	./resolute-checkconf$(EXEEXT) --example >$@.tmp && mv $@.tmp $@
