# test/replay.mk - the replay harness: the daemon's per-packet path and the
# real modules against scripted servers and a scripted clock
# (testdata/*.rpl, run by test/replay.sh).
check_PROGRAMS += test/replay
test_replay_SOURCES = test/replay.c
TESTS += test/replay.sh

# Fault injection on the query path: the harness with every allocation
# failing in turn (test/fault_wrap.c), over a recursion, a validation and
# a spoofing scenario (test/replay_fault.sh).
check_PROGRAMS += test/replay_fault
test_replay_fault_SOURCES = test/replay.c test/fault_wrap.c \
	test/fault_wrap.h
test_replay_fault_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_FAULT
test_replay_fault_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc \
	-Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=posix_memalign
TESTS += test/replay_fault.sh
EXTRA_DIST += test/replay_fault.sh
EXTRA_DIST += test/replay.sh \
	contrib/testworld/make-val-scenarios \
	contrib/testworld/make-5011-scenarios \
	testdata/iter_bailiwick.rpl \
	testdata/iter_big_rrset.rpl testdata/iter_answer_timeout.rpl \
	testdata/iter_answer_timeout_full.rpl \
	testdata/iter_serve_expired.rpl testdata/iter_serve_expired_now.rpl \
	testdata/iter_prefetch.rpl testdata/iter_edns_loss.rpl \
	testdata/iter_lame_aa_upward.rpl testdata/iter_lame_last_resort.rpl \
	testdata/iter_parent_fallback.rpl testdata/iter_deny_any.rpl \
	testdata/iter_refetch_target.rpl testdata/iter_any_rfc8482.rpl \
	testdata/val_5011_roll.rpl testdata/val_5011_static.rpl \
	testdata/val_sentinel.rpl \
	testdata/iter_caps.rpl \
	testdata/iter_caps_exempt.rpl \
	testdata/iter_caps_forged.rpl \
	testdata/iter_caps_noharden.rpl \
	testdata/iter_cname.rpl \
	testdata/iter_cname_loop.rpl \
	testdata/iter_compare_agree.rpl \
	testdata/iter_compare_majority.rpl \
	testdata/iter_compare_nomajority.rpl \
	testdata/iter_compare_pool.rpl \
	testdata/iter_compare_serial.rpl \
	testdata/iter_compare_single.rpl \
	testdata/iter_dname.rpl \
	testdata/iter_dname_only.rpl \
	testdata/iter_duplicates.rpl \
	testdata/iter_edns_formerr.rpl \
	testdata/iter_glue_answer.rpl \
	testdata/iter_authority_ns_rank.rpl \
	testdata/iter_glueless.rpl \
	testdata/iter_lame.rpl \
	testdata/iter_negative.rpl \
	testdata/iter_negative_shared_soa.rpl \
	testdata/iter_negative_ttl.rpl \
	testdata/iter_noquestion.rpl \
	testdata/iter_priming.rpl \
	testdata/iter_qname_min.rpl \
	testdata/iter_referral.rpl \
	testdata/iter_scrub_answer.rpl \
	testdata/iter_spoof_question.rpl \
	testdata/iter_spoof_tcp.rpl \
	testdata/iter_tc_noquestion.rpl \
	testdata/iter_tcp.rpl \
	testdata/iter_timeout.rpl \
	testdata/iter_unreachable.rpl \
	testdata/iter_wrong_type.rpl \
	testdata/val_aggressive_nsec.rpl testdata/val_aggressive_nsec3.rpl \
	testdata/val_aggressive_wildcard.rpl testdata/val_aggressive_wildcard3.rpl \
	testdata/val_aggressive_off.rpl \
	testdata/val_anchor_broken.rpl \
	testdata/val_bogus_cache.rpl \
	testdata/val_bogus_corrupt.rpl \
	testdata/val_bogus_dsmismatch.rpl \
	testdata/val_bogus_expired.rpl \
	testdata/val_bogus_nosig.rpl \
	testdata/val_bogus_notyet.rpl \
	testdata/val_bogus_nxdomain.rpl \
	testdata/val_bogus_other_server.rpl \
	testdata/val_cd.rpl \
	testdata/val_cname_chain_nxdomain.rpl \
	testdata/val_compare_unsigned.rpl \
	testdata/val_dname_nxdomain.rpl \
	testdata/val_ds_in_referral.rpl \
	testdata/val_ent_nxdomain_ds.rpl \
	testdata/val_insecure.rpl \
	testdata/val_internal_anchor.rpl \
	testdata/val_keytrap.rpl \
	testdata/val_keytrap_servfail.rpl \
	testdata/val_negative.rpl \
	testdata/val_nsec3_iterations.rpl \
	testdata/val_nta.rpl \
	testdata/val_optout_nxdomain.rpl \
	testdata/val_optout_wildcard.rpl \
	testdata/val_rrsig_query.rpl \
	testdata/val_secure.rpl \
	testdata/val_wildcard.rpl testdata/val_concurrent.rpl \
	testdata/val_wildcard_cname_nsec.rpl \
	testdata/val_wildcard_cname_nsec3.rpl \
	testdata/val_wildcard_ttl0.rpl \
	testdata/val_wildcard_twice.rpl \
	testdata/trace_secure.rpl testdata/trace_insecure.rpl \
	testdata/trace_bogus.rpl \
	testdata/iter_second_server.rpl testdata/iter_shared_query.rpl \
	testdata/mesh_jostle.rpl testdata/iter_nxns.rpl \
	testdata/worker_per_packet.rpl \
	testdata/worker_ip_ratelimit.rpl \
	testdata/iter_ratelimit.rpl testdata/iter_ratelimit_factor.rpl \
	testdata/replay/selftest_bad_module.rpl \
	testdata/replay/selftest_bad_order.rpl \
	testdata/replay/selftest_bad_rr.rpl \
	testdata/replay/selftest_bad_syntax.rpl \
	testdata/replay/selftest_empty.rpl \
	testdata/replay/selftest_extra_out_query.rpl \
	testdata/replay/selftest_long_line.rpl \
	testdata/replay/selftest_no_answer.rpl \
	testdata/replay/selftest_timeout_none.rpl \
	testdata/replay/selftest_unchecked_answer.rpl \
	testdata/replay/selftest_val_ede_any.rpl \
	testdata/replay/selftest_val_ede_none.rpl \
	testdata/replay/selftest_val_sig_checks.rpl \
	testdata/replay/selftest_val_wrong_anchor.rpl \
	testdata/replay/selftest_wrong_answer.rpl \
	testdata/replay/selftest_wrong_flags.rpl \
	testdata/replay/selftest_wrong_out_query.rpl
