# HvDaemons: drop-in replacements for tools/hv's Hyper-V guest daemons.
#   make            build the three Native-AOT daemons into out/linux-x64
#   make demo       build, then run each daemon against the simulated Hyper-V host
#   make test       build, then run every test (unit and black-box)
#   make bench      print start-up, memory, size and throughput figures
#   make clean

RID ?= linux-x64
OUT ?= out/$(RID)

.PHONY: all build demo test bench clean

all: build

build:
	RID=$(RID) ./build.sh

demo: build
	dotnet run --project tests/HostSim -c Release -- demo --bin $(OUT)

test: build
	./tests/run.sh

bench: build
	./bench/run.sh $(OUT)

clean:
	rm -rf out
	find . -name bin -o -name obj -type d -prune -exec rm -rf {} +
