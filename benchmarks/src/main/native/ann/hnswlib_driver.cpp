// hnswlib (Debian's libhnswlib-dev headers, compiled by benchmarks/scripts/ann-interleaved.sh with the flags it
// records) behind the interleaved harness's protocol (driver.h). Builds on one thread (addPoint in id order), answers
// queries one at a time with searchKnn on one thread. Label = base ordinal.
#include <hnswlib/hnswlib.h>

#include <memory>

#include "driver.h"

namespace {

struct HnswlibEngine : anndriver::Engine {
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;

    std::string info() override {
        std::string kernels =
#if defined(USE_AVX512)
            "AVX-512";
#elif defined(USE_AVX)
            "AVX";
#elif defined(USE_SSE)
            "SSE";
#else
            "scalar";
#endif
        return "hnswlib headers (libhnswlib-dev), distance kernels: " + kernels + "; " + anndriver::compilerInfo();
    }

    size_t build(const anndriver::VecFile& base, bool ip, int m, int efConstruction) override {
        index.reset();
        if (ip) {
            space = std::make_unique<hnswlib::InnerProductSpace>(base.dim);
        } else {
            space = std::make_unique<hnswlib::L2Space>(base.dim);
        }
        index = std::make_unique<hnswlib::HierarchicalNSW<float>>(space.get(), (size_t)base.n, (size_t)m,
                                                                  (size_t)efConstruction, 100);
        for (int32_t i = 0; i < base.n; i++) {
            index->addPoint(base.row(i), (hnswlib::labeltype)i);
        }
        size_t bytes = index->cur_element_count * index->size_data_per_element_;
        for (size_t i = 0; i < index->cur_element_count; i++) {
            bytes += (size_t)index->element_levels_[i] * index->size_links_per_element_;
        }
        return bytes;
    }

    void setEf(int ef) override {
        if (!index) throw std::runtime_error("build first");
        index->setEf((size_t)ef);
    }

    void searchAll(const anndriver::VecFile& queries, int k, int64_t* out) override {
        for (int32_t q = 0; q < queries.n; q++) {
            auto top = index->searchKnn(queries.row(q), (size_t)k);
            // a max-heap on distance: the farthest comes out first
            for (int j = (int)top.size() - 1; j >= 0; j--) {
                out[(size_t)q * k + j] = (int64_t)top.top().second;
                top.pop();
            }
        }
    }
};

}  // namespace

int main() {
    HnswlibEngine engine;
    return anndriver::serve(engine);
}
