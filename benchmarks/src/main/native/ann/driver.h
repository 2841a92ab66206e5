// The protocol every native ANN driver of the interleaved harness speaks (dev.caracal.benchmarks.ann.NativePeer).
// One command per line on stdin, one answer line per command on stdout ("ok ..." or "err <message>"):
//   load <base file> <query file> <l2|ip>   -> ok <n> <dim> <queries>    (files: see VecFile below)
//   build <M> <efConstruction>              -> ok <wall s> <thread cpu s> <index bytes>  (replaces the index)
//   ef <n>                                  -> ok
//   run <k> <min seconds>                   -> ok <queries done> <wall s> <thread cpu s>
//                                              then one line "ids <id> <id> ..." (k per query, -1 padded, last pass)
//   info                                    -> ok <what this binary is: library, compiler, flags, SIMD>
//   quit
// Timing is taken inside the driver around the query loop only (whole passes over every query, one thread), so pipe
// transfer (the query set is read once from a file at load) is never part of it.
#pragma once
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace anndriver {

// A vector file written by the JVM: 16-byte header (ASCII "CVF1", int32 count, int32 dim, int32 0; little endian)
// followed by count * dim little-endian float32. Mapped read-only, so several drivers share the page cache.
struct VecFile {
    const float* data = nullptr;
    int32_t n = 0;
    int32_t dim = 0;
    void* map = nullptr;
    size_t len = 0;

    void open(const std::string& path) {
        close();
        int fd = ::open(path.c_str(), O_RDONLY);
        if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
        struct stat st;
        fstat(fd, &st);
        len = (size_t)st.st_size;
        map = mmap(nullptr, len, PROT_READ, MAP_SHARED, fd, 0);
        ::close(fd);
        if (map == MAP_FAILED || len < 16) throw std::runtime_error("cannot map " + path);
        const char* p = (const char*)map;
        if (std::memcmp(p, "CVF1", 4) != 0) throw std::runtime_error(path + ": not a CVF1 vector file");
        std::memcpy(&n, p + 4, 4);
        std::memcpy(&dim, p + 8, 4);
        if (len < 16 + (size_t)n * dim * 4) throw std::runtime_error(path + ": truncated");
        data = (const float*)(p + 16);
    }

    void close() {
        if (map != nullptr && map != MAP_FAILED) munmap(map, len);
        map = nullptr;
    }

    const float* row(size_t i) const { return data + i * (size_t)dim; }
};

inline double wallNow() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

inline double threadCpuNow() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// What the compiler was told about the CPU (the macros the hnswlib headers test to pick their kernels).
inline std::string compilerInfo() {
    std::string s = "g++ " __VERSION__;
#ifdef __OPTIMIZE__
    s += ", optimized";
#endif
    s += ", SIMD macros:";
#ifdef __SSE__
    s += " SSE";
#endif
#ifdef __AVX__
    s += " AVX";
#endif
#ifdef __AVX2__
    s += " AVX2";
#endif
#ifdef __FMA__
    s += " FMA";
#endif
#ifdef __AVX512F__
    s += " AVX512F";
#endif
    return s;
}

// The library side of a driver.
struct Engine {
    virtual ~Engine() = default;
    virtual std::string info() = 0;
    // builds a new index over every base vector on this thread; returns its size in bytes (best effort)
    virtual size_t build(const VecFile& base, bool ip, int m, int efConstruction) = 0;
    virtual void setEf(int ef) = 0;
    // answers every query once: k ids per query into out (-1 padded)
    virtual void searchAll(const VecFile& queries, int k, int64_t* out) = 0;
};

inline int serve(Engine& engine) {
    std::ios::sync_with_stdio(false);
    VecFile base, queries;
    bool ip = false;
    bool built = false;
    std::string line;
    std::vector<int64_t> ids;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string cmd;
        in >> cmd;
        try {
            if (cmd == "load") {
                std::string b, q, metric;
                in >> b >> q >> metric;
                if (metric != "l2" && metric != "ip") throw std::runtime_error("metric must be l2 or ip: " + metric);
                base.open(b);
                queries.open(q);
                if (base.dim != queries.dim) throw std::runtime_error("base and query dimensions differ");
                ip = metric == "ip";
                std::cout << "ok " << base.n << ' ' << base.dim << ' ' << queries.n << '\n';
            } else if (cmd == "build") {
                int m = 0, efc = 0;
                in >> m >> efc;
                if (base.data == nullptr) throw std::runtime_error("load first");
                double w0 = wallNow(), c0 = threadCpuNow();
                size_t bytes = engine.build(base, ip, m, efc);
                double w = wallNow() - w0, c = threadCpuNow() - c0;
                built = true;
                std::cout << "ok " << w << ' ' << c << ' ' << bytes << '\n';
            } else if (cmd == "ef") {
                int ef = 0;
                in >> ef;
                engine.setEf(ef);
                std::cout << "ok\n";
            } else if (cmd == "run") {
                int k = 10;
                double minSeconds = 1;
                in >> k >> minSeconds;
                if (!built) throw std::runtime_error("build first");
                ids.assign((size_t)queries.n * k, -1);
                long done = 0;
                double w0 = wallNow(), c0 = threadCpuNow(), w;
                do {  // whole passes until minSeconds have passed; the ids of the last pass are kept
                    std::fill(ids.begin(), ids.end(), -1);
                    engine.searchAll(queries, k, ids.data());
                    done += queries.n;
                    w = wallNow() - w0;
                } while (w < minSeconds);
                double c = threadCpuNow() - c0;
                std::cout << "ok " << done << ' ' << w << ' ' << c << '\n' << "ids";
                for (int64_t id : ids) std::cout << ' ' << id;
                std::cout << '\n';
            } else if (cmd == "info") {
                std::cout << "ok " << engine.info() << '\n';
            } else if (cmd == "quit") {
                std::cout.flush();
                return 0;
            } else if (!cmd.empty()) {
                throw std::runtime_error("unknown command: " + cmd);
            }
        } catch (const std::exception& e) {
            std::cout << "err " << e.what() << '\n';
        }
        std::cout.flush();
    }
    return 0;
}

}  // namespace anndriver
