// FAISS IndexHNSWFlat (Debian's libfaiss-dev: its prebuilt libfaiss.a) behind the interleaved harness's protocol
// (driver.h). OpenMP is held to one thread, so the build (add of every base vector) and the queries run on one
// thread; a pass over the queries is one search() call with every query (FAISS's own query loop; a call per query
// would allocate a visited table of the whole index each time). Label = base ordinal.
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <omp.h>

#include <memory>

#include "driver.h"

namespace {

struct FaissEngine : anndriver::Engine {
    std::unique_ptr<faiss::IndexHNSWFlat> index;
    std::vector<float> distances;

    std::string info() override {
        return "FAISS " + std::to_string(FAISS_VERSION_MAJOR) + "." + std::to_string(FAISS_VERSION_MINOR) + "." +
               std::to_string(FAISS_VERSION_PATCH) +
               " IndexHNSWFlat, Debian's prebuilt libfaiss.a (libfaiss-dev), OpenMP threads 1; driver: " +
               anndriver::compilerInfo();
    }

    size_t build(const anndriver::VecFile& base, bool ip, int m, int efConstruction) override {
        index.reset();
        index = std::make_unique<faiss::IndexHNSWFlat>(base.dim, m,
                                                       ip ? faiss::METRIC_INNER_PRODUCT : faiss::METRIC_L2);
        index->hnsw.efConstruction = efConstruction;
        index->add(base.n, base.data);
        const faiss::HNSW& h = index->hnsw;
        return (size_t)index->ntotal * base.dim * sizeof(float) + h.neighbors.size() * sizeof(faiss::HNSW::storage_idx_t) +
               h.offsets.size() * sizeof(size_t) + h.levels.size() * sizeof(int);
    }

    void setEf(int ef) override {
        if (!index) throw std::runtime_error("build first");
        index->hnsw.efSearch = ef;
    }

    void searchAll(const anndriver::VecFile& queries, int k, int64_t* out) override {
        distances.resize((size_t)queries.n * k);
        index->search(queries.n, queries.data, k, distances.data(), out);
    }
};

}  // namespace

int main() {
    omp_set_num_threads(1);
    FaissEngine engine;
    return anndriver::serve(engine);
}
