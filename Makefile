# HvDaemons: drop-in replacements for tools/hv's Hyper-V guest daemons.
#   make                  build the three Native-AOT daemons into out/$(RID) (RID from uname -m)
#   make install          install them, the KVP scripts, units, udev rules and man pages
#   make uninstall        remove what install put there (DESTDIR and the dirs as for install)
#   make install-initramfs / uninstall-initramfs   the opt-in dracut and initramfs-tools parts
#   make demo             build, then run each daemon against the simulated Hyper-V host
#   make test             build (also the static and arm64 variants), then run every test
#   make bench            print start-up, memory, size and throughput figures
#   make fuzz             message storms (STORM_COUNT each), then every fuzz target for
#                         FUZZ_SECONDS; writes docs/robustness.md
#   make install-bin      the binaries and man pages only
#   make install-debug    the .dbg files as DEBUGDIR/.build-id/xx/yyyy.debug
#   make vendor           every NuGet package the build needs into vendor/ (needs the network)
#   make OFFLINE=1        build from vendor/ only (no network, no NuGet cache)
#   make dist             source tarball with vendor/ inside, into out/dist/
#   make deb / make rpm   binary packages into out/deb/, out/rpm/
#   make clean            back to a fresh clone's tree (vendor/ stays where there is no .git)
# Variables (as tools/hv, plus ours): DESTDIR prefix sbindir libexecdir KVP_SCRIPTS_PATH
# sharedstatedir sysconfdir mandir unitdir udevrulesdir dracutmodulesdir initramfstoolsdir DEBUGDIR RID
# STATIC OUT OFFLINE LDFLAGS. docs/packaging.md says what goes where.

# The builder's own architecture unless told otherwise (an arm64 builder builds arm64).
RID ?= $(if $(filter aarch64 arm64,$(shell uname -m)),linux-arm64,linux-x64)
STATIC ?= 0
OUT ?= out/$(RID)$(if $(filter 0,$(STATIC)),,-static)

prefix ?= /usr
sbindir ?= $(prefix)/sbin
bindir ?= $(prefix)/bin
libexecdir ?= $(prefix)/libexec
# Where hv_kvp_daemon runs hv_get_dns_info & co. from; compiled in, as upstream's Makefile has
# it. `make KVP_SCRIPTS_PATH=` (empty) looks them up in PATH and installs them into sbindir.
KVP_SCRIPTS_PATH ?= $(libexecdir)/hypervkvpd
KVP_SCRIPTS_DIR = $(if $(KVP_SCRIPTS_PATH),$(KVP_SCRIPTS_PATH),$(sbindir))
DEBUGDIR ?= /usr/lib/debug
OFFLINE ?= 0
sharedstatedir ?= /var/lib
sysconfdir ?= /etc
mandir ?= $(prefix)/share/man
unitdir ?= /usr/lib/systemd/system
udevrulesdir ?= /usr/lib/udev/rules.d
dracutmodulesdir ?= /usr/lib/dracut/modules.d
initramfstoolsdir ?= /usr/share/initramfs-tools

DAEMONS := hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon
# Guest-side tools, installed into $(bindir).
TOOLS := hv_kvp_client
KVP_SCRIPTS := hv_get_dns_info hv_get_dhcp_info hv_set_ifconfig
# Run by hv_fcopy_uio_bind.service; installed into $(libexecdir) itself.
LIBEXEC_SCRIPTS := hv_fcopy_uio_bind
UNITS := hv_kvp_daemon.service hv_vss_daemon.service hv_fcopy_daemon.service \
         hv_fcopy_uio_daemon.service hv_fcopy_uio_bind.service
UDEV_RULES := 70-hv-daemons.rules
MANPAGES := hv_kvp_daemon.8 hv_vss_daemon.8 hv_fcopy_daemon.8 hv_fcopy_uio_daemon.8 hv_kvp_client.8
# What distributions call the units, so that their tools and other packages' ordering
# (azure-init: After=hypervkvpd.service hv-kvp-daemon.service; LISA: hypervkvpd) find ours.
# Symlinks in the unit folder are aliases for systemctl without any `enable`.
#   Fedora/RHEL/Azure Linux, Ubuntu, Debian (docs/packaging.md has the table).
UNIT_ALIASES := hv_kvp_daemon:hypervkvpd hv_kvp_daemon:hv-kvp-daemon hv_kvp_daemon:hyperv-daemons.hv-kvp-daemon \
                hv_vss_daemon:hypervvssd hv_vss_daemon:hv-vss-daemon hv_vss_daemon:hyperv-daemons.hv-vss-daemon \
                hv_fcopy_daemon:hypervfcopyd hv_fcopy_daemon:hv-fcopy-daemon hv_fcopy_daemon:hyperv-daemons.hv-fcopy-daemon
MAN_ALIASES := hv_kvp_daemon:hypervkvpd hv_vss_daemon:hypervvssd hv_fcopy_daemon:hypervfcopyd
DRACUT_MODULE := 90hv-kvp
DRACUT_FILES := module-setup.sh hv-kvp-daemon-initrd.service hv-kvp-wait-channel.sh
INITRAMFS_FILES := hooks/hv_kvp_daemon scripts/init-premount/hv_kvp_daemon \
                   scripts/init-bottom/hv_kvp_daemon

BUILD_ENV = RID=$(RID) STATIC=$(STATIC) OUT=$(OUT) LIBEXECDIR=$(libexecdir) \
            KVP_SCRIPTS_PATH='$(KVP_SCRIPTS_PATH)' OFFLINE=$(OFFLINE) LDFLAGS='$(LDFLAGS)'
SUBST = sed -e 's|@sbindir@|$(sbindir)|g' -e 's|@libexecdir@|$(libexecdir)|g'

# build, variants and install must not run at once: they publish into the same obj folders.
.NOTPARALLEL:

.PHONY: all build binaries variants install uninstall install-initramfs uninstall-initramfs \
        demo test bench fuzz clean install-bin mutate install-debug vendor dist deb rpm setup-deps

FUZZ_SECONDS ?= 60
STORM_COUNT ?= 100000

all: build

build:
	$(BUILD_ENV) ./build.sh

# install uses the binaries in $(OUT) as they are when build.sh recorded the same settings
# (RID, STATIC, KVP_SCRIPTS_PATH: compiled in); otherwise it builds.
binaries:
	@want=$$(printf 'rid=%s\nstatic=%s\nkvp_scripts_path=%s' '$(RID)' '$(STATIC)' '$(KVP_SCRIPTS_PATH)'); \
	have=$$(cat '$(OUT)/build-settings' 2>/dev/null); \
	for d in $(DAEMONS) $(TOOLS); do [ -x "$(OUT)/$$d" ] || have=; done; \
	if [ "$$have" = "$$want" ]; then echo "installing the binaries in $(OUT)"; \
	else $(MAKE) --no-print-directory build; fi

# The variants the packaging tests check: fully static x64 and cross-compiled arm64. CI
# (CI=true) must have the cross toolchain; elsewhere arm64 is left out when it is missing.
variants:
	RID=linux-x64 STATIC=1 OUT=out/linux-x64-static LIBEXECDIR=$(libexecdir) KVP_SCRIPTS_PATH='$(KVP_SCRIPTS_PATH)' OFFLINE=$(OFFLINE) ./build.sh
	@if [ "$$CI" = true ] || { command -v clang && command -v ld.lld && \
	    command -v aarch64-linux-gnu-objcopy; } >/dev/null; then \
	    RID=linux-arm64 STATIC=0 OUT=out/linux-arm64 LIBEXECDIR=$(libexecdir) KVP_SCRIPTS_PATH='$(KVP_SCRIPTS_PATH)' OFFLINE=$(OFFLINE) ./build.sh; \
	else echo "no arm64 cross toolchain (clang lld gcc-aarch64-linux-gnu): out/linux-arm64 not built"; fi

# The binaries and man pages only, for a maintainer who ships units of their own.
install-bin: binaries
	install -d -m 0755 '$(DESTDIR)$(sbindir)' '$(DESTDIR)$(bindir)' '$(DESTDIR)$(mandir)/man8'
	for d in $(DAEMONS); do install -m 0755 "$(OUT)/$$d" '$(DESTDIR)$(sbindir)/'; done
	# One executable for both fcopy transports; argv[0] picks the uio daemon's behaviour.
	ln -f '$(DESTDIR)$(sbindir)/hv_fcopy_daemon' '$(DESTDIR)$(sbindir)/hv_fcopy_uio_daemon'
	for t in $(TOOLS); do install -m 0755 "$(OUT)/$$t" '$(DESTDIR)$(bindir)/'; done
	for m in $(MANPAGES); do install -m 0644 "packaging/man/$$m" '$(DESTDIR)$(mandir)/man8/'; done
	for a in $(MAN_ALIASES); do \
	    printf '.so man8/%s.8\n' "$${a%%:*}" >'$(DESTDIR)$(mandir)/man8/'"$${a#*:}.8" && \
	    chmod 0644 '$(DESTDIR)$(mandir)/man8/'"$${a#*:}.8"; done

install: install-bin
	install -d -m 0755 '$(DESTDIR)$(sbindir)' '$(DESTDIR)$(KVP_SCRIPTS_DIR)' \
	    '$(DESTDIR)$(sharedstatedir)/hyperv' '$(DESTDIR)$(mandir)/man8' \
	    '$(DESTDIR)$(unitdir)' '$(DESTDIR)$(udevrulesdir)'
	for s in $(KVP_SCRIPTS); do \
	    install -m 0755 "packaging/scripts/$$s" '$(DESTDIR)$(KVP_SCRIPTS_DIR)/'; done
	for s in $(LIBEXEC_SCRIPTS); do \
	    install -m 0755 "packaging/scripts/$$s" '$(DESTDIR)$(libexecdir)/'; done
	for u in $(UNITS); do \
	    $(SUBST) "packaging/systemd/$$u.in" >'$(DESTDIR)$(unitdir)/'"$$u" && \
	    chmod 0644 '$(DESTDIR)$(unitdir)/'"$$u"; done
	for a in $(UNIT_ALIASES); do \
	    ln -sf "$${a%%:*}.service" '$(DESTDIR)$(unitdir)/'"$${a#*:}.service"; done
	for r in $(UDEV_RULES); do install -m 0644 "packaging/udev/$$r" '$(DESTDIR)$(udevrulesdir)/'; done
	# The commented example: never over an administrator's own vss.conf.
	install -d -m 0755 '$(DESTDIR)$(sysconfdir)/hyperv'
	[ -e '$(DESTDIR)$(sysconfdir)/hyperv/vss.conf' ] || \
	    install -m 0644 packaging/vss.conf '$(DESTDIR)$(sysconfdir)/hyperv/vss.conf'

# Removes the files install adds, and our own folders when that leaves them empty; never
# the pool files in $(sharedstatedir)/hyperv nor the standard folders.
uninstall: uninstall-initramfs
	for f in $(DAEMONS) hv_fcopy_uio_daemon; do rm -f '$(DESTDIR)$(sbindir)/'"$$f"; done
	for t in $(TOOLS); do rm -f '$(DESTDIR)$(bindir)/'"$$t"; done
	for a in $(UNIT_ALIASES); do rm -f '$(DESTDIR)$(unitdir)/'"$${a#*:}.service"; done
	for a in $(MAN_ALIASES); do rm -f '$(DESTDIR)$(mandir)/man8/'"$${a#*:}.8"; done
	for s in $(KVP_SCRIPTS); do rm -f '$(DESTDIR)$(KVP_SCRIPTS_DIR)/'"$$s"; done
	for s in $(LIBEXEC_SCRIPTS); do rm -f '$(DESTDIR)$(libexecdir)/'"$$s"; done
	for u in $(UNITS); do rm -f '$(DESTDIR)$(unitdir)/'"$$u"; done
	for r in $(UDEV_RULES); do rm -f '$(DESTDIR)$(udevrulesdir)/'"$$r"; done
	for m in $(MANPAGES); do rm -f '$(DESTDIR)$(mandir)/man8/'"$$m"; done
	# vss.conf only as shipped: an edited one is the administrator's.
	! cmp -s packaging/vss.conf '$(DESTDIR)$(sysconfdir)/hyperv/vss.conf' || rm -f '$(DESTDIR)$(sysconfdir)/hyperv/vss.conf'
	rmdir '$(DESTDIR)$(sysconfdir)/hyperv' 2>/dev/null || true
	$(if $(KVP_SCRIPTS_PATH),rmdir '$(DESTDIR)$(KVP_SCRIPTS_PATH)' 2>/dev/null || true)
	rmdir '$(DESTDIR)$(sharedstatedir)/hyperv' 2>/dev/null || true

# Starts hv_kvp_daemon inside the initramfs, for images provisioned over KVP before the
# root filesystem is mounted. Opt-in: it changes every initramfs built afterwards.
install-initramfs: install
	install -d -m 0755 '$(DESTDIR)$(dracutmodulesdir)/$(DRACUT_MODULE)'
	for f in $(DRACUT_FILES); do \
	    $(SUBST) "packaging/dracut/$(DRACUT_MODULE)/$$f" >'$(DESTDIR)$(dracutmodulesdir)/$(DRACUT_MODULE)/'"$$f"; done
	chmod 0755 '$(DESTDIR)$(dracutmodulesdir)/$(DRACUT_MODULE)/module-setup.sh' \
	    '$(DESTDIR)$(dracutmodulesdir)/$(DRACUT_MODULE)/hv-kvp-wait-channel.sh'
	chmod 0644 '$(DESTDIR)$(dracutmodulesdir)/$(DRACUT_MODULE)/hv-kvp-daemon-initrd.service'
	for f in $(INITRAMFS_FILES); do \
	    install -d -m 0755 "$$(dirname '$(DESTDIR)$(initramfstoolsdir)/'"$$f")" && \
	    $(SUBST) "packaging/initramfs-tools/$$f" >'$(DESTDIR)$(initramfstoolsdir)/'"$$f" && \
	    chmod 0755 '$(DESTDIR)$(initramfstoolsdir)/'"$$f"; done

uninstall-initramfs:
	for f in $(DRACUT_FILES); do rm -f '$(DESTDIR)$(dracutmodulesdir)/$(DRACUT_MODULE)/'"$$f"; done
	rmdir '$(DESTDIR)$(dracutmodulesdir)/$(DRACUT_MODULE)' 2>/dev/null || true
	for f in $(INITRAMFS_FILES); do rm -f '$(DESTDIR)$(initramfstoolsdir)/'"$$f"; done

# Like test, sets a fresh machine up first: the Native-AOT link needs a C toolchain.
demo: setup-deps build
	dotnet run --project tests/HostSim/hvhost -c Release -- demo --bin $(OUT)

# Installs what the tests need first (a no-op when all is there; tests/setup-deps.sh).
test: setup-deps build variants
	./tests/run.sh

setup-deps:
	./tests/setup-deps.sh

bench: build
	./bench/run.sh $(OUT)

# Mutation testing (Stryker.NET) of lib/Kvp, lib/Vss, lib/Fcopy, lib/Transport; MUTATE=...
# picks folders. Long on 2 cores, so not part of make test.
mutate:
	./tests/mutate.sh

fuzz: build
	HVD_STORM_COUNT=$(STORM_COUNT) dotnet test tests/BlackBox -c Release --filter "FullyQualifiedName~Storms"
	dotnet run --project fuzz/HvFuzz -c Release -- --seconds $(FUZZ_SECONDS) --report docs/robustness.md

# The .dbg files build.sh keeps, under the GNU build-id names gdb and debuginfod look up.
install-debug: binaries
	./packaging/install-debug.sh '$(OUT)' '$(DESTDIR)$(DEBUGDIR)' $(DAEMONS) $(TOOLS)

vendor:
	./packaging/vendor.sh

# What a source package starts from: the committed tree (git archive HEAD) plus vendor/.
dist:
	./packaging/dist.sh

deb: binaries
	./packaging/debian/build-deb.sh '$(OUT)' '$(RID)'

rpm: binaries
	./packaging/rpm/build-rpm.sh '$(OUT)' '$(RID)' '$(KVP_SCRIPTS_DIR)'

# In a checkout `make vendor` can fetch vendor/ again; in an unpacked `make dist` tarball
# (no .git) it is the only copy, so it stays.
clean:
	rm -rf out
	find . -path ./.git -prune -o -path ./vendor -prune -o -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
	if [ -e .git ]; then rm -rf vendor; fi
