# doc/doc.mk - manual pages and the example config.
#
# The option reference of resolute.conf(5) and the example config are
# generated from the option table (util/config_options.h) by the built
# resolute-checkconf, so they always list exactly the options the parser
# knows.  The other pages are written by hand and distributed as they are.
dist_man_MANS += doc/resolute.8 doc/resolute-checkconf.8 \
	doc/resolute-control.8
man_MANS = doc/resolute.conf.5

exampledir = $(docdir)
example_DATA = doc/example.conf

CLEANFILES += doc/resolute.conf.5 doc/example.conf
EXTRA_DIST += doc/resolute.conf.5.in test/doc.sh
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

doc/example.conf: resolute-checkconf$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) doc && \
	./resolute-checkconf$(EXEEXT) --example >$@.tmp && mv $@.tmp $@
