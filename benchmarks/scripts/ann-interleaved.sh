#!/usr/bin/env bash
# The interleaved ANN harness (dev.caracal.benchmarks.ann.InterleavedBenchmark): Caracal HNSW (bare and through the
# store), Lucene HNSW and native peers (hnswlib compiled here with -march=native, FAISS from Debian's libfaiss-dev,
# Debian's python3-hnswlib), indexes held in memory, rounds of every (contender, ef) pair in a shuffled order.
# Writes docs/ann-benchmarks.md (--doc FILE to write elsewhere) and benchmarks/target/ann-interleaved/{samples,rounds}.csv.
#
# Usage: benchmarks/scripts/ann-interleaved.sh [--data all|fashion-mnist,cacm,clustered] [--rounds 5] [--seconds 1]
#          [--builds 3] [--knobs 10,16,24,32,48,64,96,128] [--clustered 1000000] [--only a,b] [--skip a,b] [--seed S]
#          [--doc FILE] ... (every option: benchmarks/README.md)
# Environment: ANN_HEAP (default 8g), ANN_SKIP_BUILD=1 (no Maven; use the classes already built),
#   ANN_ALLOW_MISSING=1 (go on without a missing native package: its peers are skipped and the report says so),
#   NATIVE_FLAGS (default "-O3 -march=native"), ANN_HUGE_PAGES=0 (no transparent huge pages for any contender; by
#   default every contender gets them when the kernel offers them, as Caracal's bin/setenv does).
#
# Needs (Debian packages): dataset-fashion-mnist, g++, libhnswlib-dev, libfaiss-dev (with a BLAS: libblas-dev comes
# with it), python3-hnswlib, python3-numpy; optional: python3-faiss (the faiss-py row, --only ...,faiss-py).
# And ../shared/data/cacm for the CACM data set.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
need_file() { # file package
  if [ ! -e "$1" ]; then missing+=("$2 (no $1)"); fi
}
need_file /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz dataset-fashion-mnist
command -v g++ > /dev/null || missing+=("g++ (no g++ on PATH)")
need_file /usr/include/hnswlib/hnswlib.h libhnswlib-dev
need_file /usr/include/faiss/IndexHNSW.h libfaiss-dev
need_file /usr/lib/x86_64-linux-gnu/libfaiss.a libfaiss-dev
/usr/bin/python3 -c 'import numpy' 2> /dev/null || missing+=("python3-numpy (/usr/bin/python3 cannot import numpy)")
/usr/bin/python3 -c 'import hnswlib' 2> /dev/null || missing+=("python3-hnswlib (/usr/bin/python3 cannot import hnswlib)")
# CACM (in --data all, the default) is read from ../shared/data/cacm unless --cacm-dir says otherwise
DATA=all
CACM_DIR=../shared/data/cacm
ARGS=("$@")
for ((i = 0; i + 1 < ${#ARGS[@]}; i++)); do
  case "${ARGS[i]}" in
    --data) DATA=${ARGS[i + 1]} ;;
    --cacm-dir) CACM_DIR=${ARGS[i + 1]} ;;
  esac
done
case ",$DATA," in
  *,all,* | *,cacm,*) [ -d "$CACM_DIR" ] || { echo "CACM missing: $CACM_DIR (pass --cacm-dir, or --data without cacm)" >&2; exit 1; } ;;
esac
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}" >&2
  echo "install with: apt-get install -y dataset-fashion-mnist g++ libhnswlib-dev libfaiss-dev python3-hnswlib python3-numpy" >&2
  if [ "${ANN_ALLOW_MISSING:-0}" != 1 ]; then
    echo "(ANN_ALLOW_MISSING=1 runs without them: the peers that need them are skipped)" >&2
    exit 1
  fi
fi

if [ "${ANN_SKIP_BUILD:-0}" != 1 ]; then
  # offline; builds the bundles of this working tree with the harness (nothing is installed into ~/.m2)
  mvn -o -q -Pbenchmarks package -DskipTests -pl benchmarks -am
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"

# the native drivers, compiled for this CPU; build-info.txt records how (the report quotes it)
SRC=benchmarks/src/main/native/ann
OUT=benchmarks/target/ann-native
mkdir -p "$OUT"
FLAGS=${NATIVE_FLAGS:--O3 -march=native}
INFO="$OUT/build-info.txt"
{
  echo "compiler: $(g++ --version 2> /dev/null | head -1 || echo none)"
  echo "-march=native resolves to: $(g++ -march=native -Q --help=target 2> /dev/null | awk '$1=="-march=" {print $2}')" \
    "(enabled: $(g++ -march=native -Q --help=target 2> /dev/null | awk '$2=="[enabled]" && $1 ~ /^-m(sse4.2|avx|avx2|fma|avx512f|avx512bw|avx512vl|avx512vnni)$/ {printf "%s ", $1}'))"
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores;" \
    "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(sse4_2|avx|avx2|fma|avx512f|avx512bw|avx512vl|avx512_vnni)$' | tr '\n' ' ')"
  echo "packages: $(dpkg-query -W -f '${Package} ${Version}, ' g++ libhnswlib-dev libfaiss-dev python3-hnswlib python3-faiss python3-numpy 2> /dev/null | sed 's/, $//')"
} > "$INFO"
if [ -e /usr/include/hnswlib/hnswlib.h ] && command -v g++ > /dev/null; then
  CMD="g++ $FLAGS -std=c++17 -o $OUT/hnswlib_driver $SRC/hnswlib_driver.cpp -lpthread"
  echo "hnswlib-native: $CMD" >> "$INFO"
  $CMD
else
  rm -f "$OUT/hnswlib_driver"
fi
if [ -e /usr/include/faiss/IndexHNSW.h ] && command -v g++ > /dev/null; then
  CMD="g++ $FLAGS -std=c++17 -fopenmp -o $OUT/faiss_driver $SRC/faiss_driver.cpp -lfaiss -lblas -llapack"
  echo "faiss: $CMD (the driver only: FAISS's own code is Debian's prebuilt libfaiss.a)" >> "$INFO"
  $CMD
else
  rm -f "$OUT/faiss_driver"
fi
echo "hnswlib-py, faiss-py: /usr/bin/python3 $SRC/py_driver.py (Debian's prebuilt extensions)" >> "$INFO"
# which SIMD registers the machine code uses (xmm: SSE, ymm: AVX/AVX2, zmm: AVX-512), so "SSE only" is a measured fact
simd() { # file: "xmm N ymm N zmm N" instruction operands in its disassembly
  if [ -e "$1" ] && command -v objdump > /dev/null; then
    objdump -d --no-show-raw-insn "$1" 2> /dev/null | grep -oE '%[xyz]mm' | sort | uniq -c | awk '{printf "%s %s ", substr($2, 2), $1}'
  else
    echo "(not found)"
  fi
}
PYHNSW=$(/usr/bin/python3 -c 'import hnswlib; print(hnswlib.__file__)' 2> /dev/null || true)
PYFAISS=$(ls /usr/lib/python3/dist-packages/faiss/_swigfaiss*.so 2> /dev/null | head -1 || true)
{
  echo "SIMD register operands in the machine code:"
  echo "  hnswlib_driver: $(simd "$OUT/hnswlib_driver")"
  echo "  libfaiss.a (Debian): $(simd /usr/lib/x86_64-linux-gnu/libfaiss.a)"
  echo "  python3-hnswlib ${PYHNSW:-(not found)}: $(simd "$PYHNSW")"
  echo "  python3-faiss ${PYFAISS:-(not found)}: $(simd "$PYFAISS")"
} >> "$INFO"
# transparent huge pages for every contender alike (the product's bin/setenv gives Caracal's JVM the same): the JVM
# madvises its heap, glibc's malloc its large blocks in the native drivers and Python; ANN_HUGE_PAGES=0 turns them off
HUGE=()
THP_MODE=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2> /dev/null || true)
if [ "${ANN_HUGE_PAGES:-1}" = 1 ] && { [ "$THP_MODE" = madvise ] || [ "$THP_MODE" = always ]; }; then
  HUGE=(-XX:+UseTransparentHugePages)
  export GLIBC_TUNABLES=glibc.malloc.hugetlb=1
  echo "huge pages: transparent ($THP_MODE) for every contender: the JVM with -XX:+UseTransparentHugePages, the native" \
    "drivers and Python with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 ($(ldd --version 2> /dev/null | head -1))" >> "$INFO"
else
  echo "huge pages: none (transparent huge pages ${THP_MODE:-unavailable}, ANN_HUGE_PAGES=${ANN_HUGE_PAGES:-1})" >> "$INFO"
fi
cat "$INFO"

exec java --add-modules jdk.incubator.vector -Xmx${ANN_HEAP:-8g} "${HUGE[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" dev.caracal.benchmarks.ann.InterleavedBenchmark --command "benchmarks/scripts/ann-interleaved.sh $*" \
  --native-dir "$OUT" --py-driver "$SRC/py_driver.py" --native-info "$INFO" "$@"
