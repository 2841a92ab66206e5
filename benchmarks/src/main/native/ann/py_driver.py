#!/usr/bin/python3
"""Python peers of the interleaved ANN harness, speaking the protocol of driver.h on stdin/stdout.

Usage: py_driver.py hnswlib   (Debian's python3-hnswlib, the extension as Debian built it)
       py_driver.py faiss     (Debian's python3-faiss)
A pass over the queries is one batched call on one thread (knn_query(num_threads=1), or search() with OpenMP held to
one thread): the query loop runs inside the library, so Python's cost is once per pass, not per query.
"""
import sys
import time

import numpy as np


def read_vectors(path):
    with open(path, "rb") as f:
        header = f.read(16)
    if header[:4] != b"CVF1":
        raise ValueError(path + ": not a CVF1 vector file")
    n, dim = np.frombuffer(header[4:12], dtype="<i4")
    data = np.memmap(path, dtype="<f4", mode="r", offset=16, shape=(int(n), int(dim)))
    return np.ascontiguousarray(data, dtype=np.float32)


class Hnswlib:
    def __init__(self):
        import hnswlib

        self.lib = hnswlib
        self.index = None

    def info(self):
        return "python3-hnswlib (Debian's build of the hnswlib extension), Python %s, numpy %s" % (
            sys.version.split()[0],
            np.__version__,
        )

    def build(self, base, ip, m, efc):
        self.index = None
        index = self.lib.Index(space="ip" if ip else "l2", dim=base.shape[1])
        index.init_index(max_elements=base.shape[0], M=m, ef_construction=efc, random_seed=100)
        index.add_items(base, np.arange(base.shape[0]), num_threads=1)
        self.index = index
        return 0

    def set_ef(self, ef):
        self.index.set_ef(ef)

    def search(self, queries, k):
        labels, _ = self.index.knn_query(queries, k=k, num_threads=1)
        return labels


class Faiss:
    def __init__(self):
        import faiss

        faiss.omp_set_num_threads(1)
        self.lib = faiss
        self.index = None

    def info(self):
        return "python3-faiss %s IndexHNSWFlat (Debian's build), OpenMP threads 1, Python %s" % (
            self.lib.__version__,
            sys.version.split()[0],
        )

    def build(self, base, ip, m, efc):
        self.index = None
        index = self.lib.IndexHNSWFlat(base.shape[1], m, self.lib.METRIC_INNER_PRODUCT if ip else self.lib.METRIC_L2)
        index.hnsw.efConstruction = efc
        index.add(base)
        self.index = index
        return 0

    def set_ef(self, ef):
        self.index.hnsw.efSearch = ef

    def search(self, queries, k):
        _, labels = self.index.search(queries, k)
        return labels


def main():
    engine = {"hnswlib": Hnswlib, "faiss": Faiss}[sys.argv[1]]()
    base = queries = None
    ip = False
    built = False
    out = sys.stdout
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        cmd = words[0]
        try:
            if cmd == "load":
                base = read_vectors(words[1])
                queries = read_vectors(words[2])
                ip = words[3] == "ip"
                out.write("ok %d %d %d\n" % (base.shape[0], base.shape[1], queries.shape[0]))
            elif cmd == "build":
                w0, c0 = time.perf_counter(), time.thread_time()
                size = engine.build(base, ip, int(words[1]), int(words[2]))
                built = True
                out.write("ok %.6f %.6f %d\n" % (time.perf_counter() - w0, time.thread_time() - c0, size))
            elif cmd == "ef":
                engine.set_ef(int(words[1]))
                out.write("ok\n")
            elif cmd == "run":
                if not built:
                    raise ValueError("build first")
                k, min_seconds = int(words[1]), float(words[2])
                done = 0
                w0, c0 = time.perf_counter(), time.thread_time()
                while True:
                    labels = engine.search(queries, k)
                    done += queries.shape[0]
                    wall = time.perf_counter() - w0
                    if wall >= min_seconds:
                        break
                cpu = time.thread_time() - c0
                out.write("ok %d %.6f %.6f\n" % (done, wall, cpu))
                out.write("ids " + " ".join(map(str, np.asarray(labels, dtype=np.int64).ravel().tolist())) + "\n")
            elif cmd == "info":
                out.write("ok " + engine.info() + "\n")
            elif cmd == "quit":
                break
            else:
                raise ValueError("unknown command: " + cmd)
        except Exception as e:  # the harness reads the message
            out.write("err %s\n" % str(e).replace("\n", " "))
        out.flush()


if __name__ == "__main__":
    main()
