# test/redis.sh - shared by the shell tests that need real Redis servers:
# standalone servers and a six-node cluster, on 127.0.0.1 only, without
# persistence.  Sourced, not run, after the caller has made the scratch
# directory $dir: each server works in $dir/redis/PORT/ (its log, and
# nodes.conf for a cluster node) and its process id is kept in
# $dir/redis/PORT/pid while it runs.  The caller chooses the ports; only
# the processes started here are ever signalled, by their id, and every
# wait is bounded.
#	redis_prereqs		skips (plan 1..0, exit 0) without
#				redis-server or redis-cli
#	redis_start PORT	starts a standalone server and waits up to
#				5 s for its PONG; status 1 when none comes
#	redis_stop PORT		SIGTERM, SIGKILL after 5 s; waits until the
#				port no longer answers
#	redis_kill PORT		SIGKILL, and waits until it is gone
#	redis_cleanup		stops every server still running (for the
#				caller's EXIT trap)
#	redis_cluster_start BASE  six cluster nodes on BASE..BASE+5, three
#				masters with one replica each; waits up to
#				20 s for cluster_state:ok, every slot served
#				and every replica linked on every node;
#				status 1 with the reason on stderr.  One
#				cluster per $dir.  A node's cluster bus is
#				on its port - 10000, so BASE is 11024 to
#				32762: the usual port + 10000 would be
#				among the ephemeral ports (32768 up on
#				Linux), where the TIME_WAIT of a test's own
#				connections can hold it
#	redis_cluster_masters	the ports of the masters not failed, one a
#				line
#	redis_cluster_replicas PORT  the ports of the replicas of the master
#				on PORT, one a line
#	redis_cluster_key_slot KEY  the slot of KEY
#	redis_cluster_port_of_slot SLOT  the port of the master serving SLOT
#				(from CLUSTER SLOTS)
#	redis_cluster_kill_master PORT  SIGKILLs that master and waits up to
#				20 s until every node left sees a replica of
#				it as master and says cluster_state:ok;
#				status 1 when the failover does not happen
#	redis_cluster_half_move_slot SLOT PORT [KEY...]  SETSLOT IMPORTING
#				on PORT and MIGRATING on the owner, then
#				MIGRATEs the KEYs only: the owner answers ASK
#				for them
#	redis_cluster_finish_move_slot SLOT PORT  MIGRATEs the rest of the
#				slot's keys, gives the slot to PORT on every
#				master (SETSLOT NODE) and waits up to 5 s
#				until every node agrees
#	redis_cluster_move_slot SLOT PORT  both, as resharding does
# and the helpers they use:
#	redis_cli PORT ARG...	redis-cli to 127.0.0.1:PORT
#	redis_ping PORT		status 0 when PORT answers PONG
#	redis_quiet PORT	status 0 when it does not
#	redis_until SECS CMD...	runs CMD every 0.1 s until it succeeds;
#				status 1 after SECS seconds
#	redis_alive PID		status 0 while PID is a redis-server (not a
#				zombie, not another program under a reused
#				id)
#	redis_dead PID		status 0 when it is not
#	redis_spawn PORT ARG...	starts redis-server on PORT with the ARGs,
#				from a subshell: not a child of the caller's
#				shell, which may wait for its own children
#				(once ended it is a zombie until init
#				reaps it: redis_alive knows)
#	redis_signal PORT SIG SECS  sends SIG and waits up to SECS for the
#				end; forgets the process id when it ended
#	redis_ok PORT ARG...	status 0 when the reply is OK (else the
#				reply on stderr)
#	redis_migrate FROM TO KEY...  MIGRATE of the KEYs
#	redis_cluster_live	the ports of the cluster's running nodes
#	redis_cluster_settled	every running node is ok, serves every slot
#				and, when a replica, is linked to its master
#				(the reason in $redis_why when not)
#	redis_cluster_took_over PORT...  every running node sees one of
#				the PORTs as a master not failed, and the
#				cluster is settled
#	redis_slot_owner NODE SLOT  the owner of SLOT as NODE sees it
#	redis_slot_agreed SLOT PORT  every running node sees SLOT on PORT
redis_nl='
'

redis_prereqs() {
	for redis_c in redis-server redis-cli; do
		command -v "$redis_c" >/dev/null 2>&1 && continue
		echo "1..0 # SKIP redis-server not installed"
		exit 0
	done
}

redis_cli() {
	redis_cp=$1
	shift
	redis-cli -h 127.0.0.1 -p "$redis_cp" "$@"
}

redis_ping() {
	[ "$(redis_cli "$1" ping 2>/dev/null)" = PONG ]
}

redis_quiet() {
	! redis_ping "$1"
}

redis_until() {
	redis_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$redis_end" ] || return 1
		sleep 0.1
	done
}

redis_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	redis_ap=$1
	set -- $(ps -o stat= -o comm= -p "$1" 2>/dev/null)
	case ${1-}:${2-} in
	Z*) return 1 ;;
	*:redis-server) return 0 ;;
	:) ;;
	*) return 1 ;;
	esac
	! grep -q '^State:.*Z' "/proc/$redis_ap/status" 2>/dev/null
}

redis_dead() {
	! redis_alive "$1"
}

redis_spawn() {
	redis_sp=$1
	redis_d=$dir/redis/$1
	shift
	mkdir -p "$redis_d" || return 1
	if redis_ping "$redis_sp"; then
		echo "redis.sh: port $redis_sp answers already" >&2
		return 1
	fi
	(
		redis-server --port "$redis_sp" --bind 127.0.0.1 \
		    --protected-mode no --save '' --appendonly no \
		    --daemonize no --dir "$redis_d" --logfile "$redis_d/log" \
		    "$@" >"$redis_d/out" 2>&1 </dev/null &
		echo $! >"$redis_d/pid"
	)
	redis_until 5 redis_ping "$redis_sp" && return 0
	echo "redis.sh: redis-server on port $redis_sp did not answer" >&2
	tail -n 5 "$redis_d/out" "$redis_d/log" >&2 2>/dev/null
	redis_signal "$redis_sp" KILL 2
	return 1
}

redis_start() {
	redis_spawn "$1"
}

redis_signal() {
	redis_pf=$dir/redis/$1/pid
	[ -f "$redis_pf" ] || return 0
	redis_pid=$(cat "$redis_pf")
	redis_alive "$redis_pid" && kill -s "$2" "$redis_pid" 2>/dev/null
	redis_until "$3" redis_dead "$redis_pid" || return 1
	rm -f "$redis_pf"
}

redis_stop() {
	redis_signal "$1" TERM 5 || redis_signal "$1" KILL 5 || return 1
	redis_until 5 redis_quiet "$1"
}

redis_kill() {
	redis_signal "$1" KILL 5
}

redis_cleanup() {
	[ -n "$dir" ] && [ -d "$dir/redis" ] || return 0
	for redis_f in "$dir"/redis/*/pid; do
		[ -f "$redis_f" ] || continue
		redis_pid=$(cat "$redis_f")
		redis_alive "$redis_pid" && kill "$redis_pid" 2>/dev/null
	done
	for redis_f in "$dir"/redis/*/pid; do
		[ -f "$redis_f" ] || continue
		redis_f=${redis_f%/pid}
		redis_f=${redis_f##*/}
		redis_signal "$redis_f" TERM 3 || redis_signal "$redis_f" KILL 3
	done
}

redis_ok() {
	redis_out=$(redis_cli "$@" 2>&1)
	[ "$redis_out" = OK ] && return 0
	echo "redis.sh: port $1: $*: $redis_out" >&2
	return 1
}

redis_migrate() {
	redis_from=$1
	redis_to=$2
	shift 2
	redis_out=$(redis_cli "$redis_from" migrate 127.0.0.1 "$redis_to" "" \
	    0 5000 keys "$@" 2>&1)
	case $redis_out in
	OK|NOKEY) return 0 ;;
	esac
	echo "redis.sh: MIGRATE from $redis_from to $redis_to: $redis_out" >&2
	return 1
}

redis_cluster_live() {
	for redis_l in $(cat "$dir/redis/cluster" 2>/dev/null); do
		[ -f "$dir/redis/$redis_l/pid" ] && echo "$redis_l"
	done
}

redis_cluster_settled() {
	for redis_n in $(redis_cluster_live); do
		redis_out=$(redis_cli "$redis_n" cluster info 2>&1)
		redis_why="node $redis_n: not cluster_state:ok"
		case $redis_out in
		*cluster_state:ok*) ;;
		*) return 1 ;;
		esac
		redis_why="node $redis_n: not every slot served"
		case $redis_out in
		*cluster_slots_ok:16384*) ;;
		*) return 1 ;;
		esac
		redis_out=$(redis_cli "$redis_n" info replication 2>&1)
		redis_why="node $redis_n: a replica not linked to its master"
		case $redis_out in
		*role:slave*) ;;
		*) continue ;;
		esac
		case $redis_out in
		*master_link_status:up*) ;;
		*) return 1 ;;
		esac
	done
	redis_why=
}

redis_cluster_start() {
	if [ "$1" -lt 11024 ] || [ "$1" -gt 32762 ]; then
		echo "redis.sh: cluster base port $1 not in 11024..32762" >&2
		return 1
	fi
	mkdir -p "$dir/redis" && : >"$dir/redis/cluster" || return 1
	redis_nodes=
	for redis_i in 0 1 2 3 4 5; do
		redis_p=$(($1 + redis_i))
		redis_spawn "$redis_p" --cluster-enabled yes \
		    --cluster-config-file nodes.conf \
		    --cluster-node-timeout 1000 \
		    --cluster-port $((redis_p - 10000)) || return 1
		echo "$redis_p" >>"$dir/redis/cluster"
		redis_nodes="$redis_nodes 127.0.0.1:$redis_p"
	done
	if ! redis-cli --cluster create $redis_nodes --cluster-replicas 1 \
	    --cluster-yes >"$dir/redis/create.log" 2>&1; then
		echo "redis.sh: redis-cli --cluster create failed:" >&2
		tail -n 5 "$dir/redis/create.log" >&2
		return 1
	fi
	redis_until 20 redis_cluster_settled && return 0
	echo "redis.sh: cluster not ready after 20 s: $redis_why" >&2
	return 1
}

redis_cluster_masters() {
	redis_cli "$(redis_cluster_live | head -n 1)" cluster nodes |
	    awk '$3 ~ /master/ && $3 !~ /fail/ {
		sub(/@.*/, "", $2); sub(/.*:/, "", $2); print $2 }' | sort -n
}

redis_cluster_replicas() {
	redis_id=$(redis_cli "$1" cluster myid) || return 1
	redis_cli "$1" cluster nodes | awk -v id="$redis_id" '$4 == id {
		sub(/@.*/, "", $2); sub(/.*:/, "", $2); print $2 }' | sort -n
}

redis_cluster_key_slot() {
	redis_cli "$(redis_cluster_live | head -n 1)" cluster keyslot "$1"
}

# CLUSTER SLOTS, one element a line: START, END, then per node IP, PORT,
# ID (and maybe metadata), the master first.  Only START and END are
# numbers followed by a number; IDs are 40 characters.
redis_slot_owner() {
	redis_cli "$1" cluster slots | awk -v s="$2" '{ l[NR] = $0 }
	function num(x) { return x ~ /^[0-9]+$/ && length(x) <= 5 }
	END {
		for (i = 1; i + 3 <= NR; i++)
			if (num(l[i]) && num(l[i + 1]) && !num(l[i + 2]) &&
			    l[i] + 0 <= s + 0 && s + 0 <= l[i + 1] + 0) {
				print l[i + 3]
				exit 0
			}
		exit 1
	}'
}

redis_cluster_port_of_slot() {
	redis_slot_owner "$(redis_cluster_live | head -n 1)" "$1"
}

redis_cluster_took_over() {
	for redis_r in "$@"; do
		redis_seen=1
		for redis_n in $(redis_cluster_live); do
			redis_cli "$redis_n" cluster nodes | awk -v a=":$redis_r@" \
			    'index($2, a) && $3 ~ /master/ && $3 !~ /fail/ {
				f = 1 } END { exit !f }' || redis_seen=0
		done
		[ $redis_seen = 1 ] && redis_cluster_settled && return 0
	done
	return 1
}

redis_cluster_kill_master() {
	redis_reps=$(redis_cluster_replicas "$1")
	if [ -z "$redis_reps" ]; then
		echo "redis.sh: port $1 is not a master with a replica" >&2
		return 1
	fi
	redis_kill "$1" || return 1
	redis_until 20 redis_cluster_took_over $redis_reps && return 0
	echo "redis.sh: no failover of $1 to $redis_reps in 20 s:" \
	    "${redis_why:-no replica promoted}" >&2
	return 1
}

redis_cluster_half_move_slot() {
	redis_s=$1
	redis_to=$2
	shift 2
	redis_src=$(redis_cluster_port_of_slot "$redis_s") || return 1
	if [ "$redis_src" = "$redis_to" ]; then
		echo "redis.sh: slot $redis_s is on $redis_to already" >&2
		return 1
	fi
	redis_ok "$redis_to" cluster setslot "$redis_s" importing \
	    "$(redis_cli "$redis_src" cluster myid)" &&
	    redis_ok "$redis_src" cluster setslot "$redis_s" migrating \
	    "$(redis_cli "$redis_to" cluster myid)" || return 1
	[ $# = 0 ] || redis_migrate "$redis_src" "$redis_to" "$@"
}

redis_cluster_finish_move_slot() {
	redis_src=$(redis_cluster_port_of_slot "$1") || return 1
	if [ "$redis_src" = "$2" ]; then
		echo "redis.sh: slot $1 is on $2 already" >&2
		return 1
	fi
	redis_id=$(redis_cli "$2" cluster myid) || return 1
	redis_i=0
	while redis_keys=$(redis_cli "$redis_src" cluster getkeysinslot "$1" \
	    100) && [ -n "$redis_keys" ]; do
		redis_i=$((redis_i + 1))
		if [ $redis_i -gt 1000 ]; then
			echo "redis.sh: slot $1 keeps keys on $redis_src" >&2
			return 1
		fi
		(
			IFS=$redis_nl
			set -f
			redis_migrate "$redis_src" "$2" $redis_keys
		) || return 1
	done
	redis_ok "$2" cluster setslot "$1" node "$redis_id" &&
	    redis_ok "$redis_src" cluster setslot "$1" node "$redis_id" ||
	    return 1
	for redis_m in $(redis_cluster_masters); do
		[ "$redis_m" = "$2" ] || [ "$redis_m" = "$redis_src" ] ||
		    redis_ok "$redis_m" cluster setslot "$1" node \
		    "$redis_id" || return 1
	done
	redis_until 5 redis_slot_agreed "$1" "$2" && return 0
	echo "redis.sh: the nodes do not agree slot $1 is on $2" >&2
	return 1
}

redis_slot_agreed() {
	for redis_n in $(redis_cluster_live); do
		[ "$(redis_slot_owner "$redis_n" "$1")" = "$2" ] || return 1
	done
}

redis_cluster_move_slot() {
	redis_cluster_half_move_slot "$1" "$2" &&
	    redis_cluster_finish_move_slot "$1" "$2"
}
