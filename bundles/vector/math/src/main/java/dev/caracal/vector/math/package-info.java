/**
 * The numeric kernels shared by the vector store and the index plugins: distance and similarity kernels over slices
 * of float arrays ({@link dev.caracal.vector.math.VectorMath}, SIMD on the incubating Vector API when the JVM has
 * it, scalar otherwise) and a primitive top-k heap ({@link dev.caracal.vector.math.TopK}). A library: no state beyond
 * the kernels chosen once per class loader, no services.
 */
@Export
@Version("1.0.0")
package dev.caracal.vector.math;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
