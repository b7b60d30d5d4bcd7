#!/bin/bash
# A real systemd (this machine's own Debian root, read-only under a tmpfs overlay) booted as the PID 1 of a
# container with private pid and network namespaces and a cgroup of its own, for the process-level tests.
#   systemd-container.sh up       boot it; returns once systemd is running (or degraded)
#   systemd-container.sh leader   the pid (on this host) of the container's systemd
#   systemd-container.sh exec CMD run a command inside (systemctl, journalctl, ...)
#   systemd-container.sh down     shut it down and remove its cgroups
# Environment: WORK (a directory bound into the container at the same path), NAME (the machine's name).
set -euo pipefail
: "${WORK:?WORK must name a directory}"
NAME=${NAME:-zdt-systemd}
ROOT="$WORK/.root"
CGROUP=$NAME

nspawn_pid() { cat "$WORK/nspawn.pid"; }
leader() { ps -o pid= --ppid "$(nspawn_pid)" | tr -d ' ' | head -1; }

join_own_cgroup() {
	# on a host whose PID 1 is not systemd: a sub-cgroup in each hierarchy nspawn uses (--keep-unit nests in it)
	for hierarchy in unified systemd; do
		if [ -d "/sys/fs/cgroup/$hierarchy" ]; then
			mkdir -p "/sys/fs/cgroup/$hierarchy/$CGROUP"
			echo $$ > "/sys/fs/cgroup/$hierarchy/$CGROUP/cgroup.procs"
		fi
	done
}

boot() {
	join_own_cgroup
	# nspawn refuses --directory=/ with an overlay: give it a non-recursive bind of / in a private mount namespace
	exec unshare --mount --propagation private -- bash -c '
		mount --bind / "$1"
		exec systemd-nspawn --directory="$1" --volatile=overlay --register=no --keep-unit --machine="$2" \
			--private-network --console=read-only --bind="$3":"$3" \
			-b -- systemd.unit=multi-user.target systemd.mask=apt-daily.timer systemd.mask=apt-daily-upgrade.timer \
			systemd.mask=man-db.timer systemd.mask=e2scrub_all.timer systemd.mask=fstrim.timer \
			systemd.mask=dpkg-db-backup.timer systemd.mask=systemd-timesyncd.service' boot "$ROOT" "$NAME" "$WORK"
}

case "${1:-}" in
up)
	command -v systemd-nspawn > /dev/null || { echo "systemd-nspawn is missing: apt-get install --no-install-recommends systemd-container" >&2; exit 2; }
	mkdir -p "$ROOT"
	export -f boot join_own_cgroup
	export ROOT NAME WORK CGROUP
	setsid bash -c boot > "$WORK/nspawn.log" 2>&1 < /dev/null &
	echo $! > "$WORK/nspawn.pid"
	state=
	for _ in $(seq 1 480); do
		pid=$(leader || true)
		if [ -n "$pid" ]; then
			state=$(nsenter -t "$pid" -a systemctl is-system-running 2> /dev/null || true)
		fi
		case "$state" in running | degraded) echo "systemd is $state; leader pid $pid"; exit 0 ;; esac
		kill -0 "$(nspawn_pid)" 2> /dev/null || { cat "$WORK/nspawn.log" >&2; exit 1; }
		sleep 0.25
	done
	echo "systemd did not boot within 2 minutes (state: $state)" >&2
	cat "$WORK/nspawn.log" >&2
	exit 1
	;;
leader) leader ;;
exec)
	shift
	exec nsenter -t "$(leader)" -a "$@"
	;;
down)
	pid=$(nspawn_pid)
	# nspawn turns SIGTERM into an orderly shutdown of the container
	kill -TERM "$pid" 2> /dev/null || true
	for _ in $(seq 1 120); do kill -0 "$pid" 2> /dev/null || break; sleep 0.5; done
	kill -KILL "$pid" 2> /dev/null || true
	for hierarchy in unified systemd; do
		directory=/sys/fs/cgroup/$hierarchy/$CGROUP
		if [ -d "$directory" ]; then find "$directory" -depth -type d -exec rmdir {} \; 2> /dev/null || true; fi
	done
	rmdir "$ROOT" 2> /dev/null || true
	;;
*)
	echo "usage: $0 up|leader|exec CMD...|down" >&2
	exit 2
	;;
esac
