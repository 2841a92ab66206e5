package dev.caracal.vector.index.ivf.internal;

/**
 * Training behaviour shared by every index of a factory.
 *
 * @param minTrainingSize  vectors needed before the first training (with an explicit nlist: at least 40*nlist)
 * @param iterations       Lloyd iterations per k-means
 * @param driftFactor      retrain when new vectors land this many times farther from their centroid than at training
 * @param growthFactor     retrain when the index has grown this many times since training
 * @param seed             random seed of sampling and k-means
 */
record IvfSettings(int minTrainingSize, int iterations, double driftFactor, double growthFactor, long seed) {
    static final IvfSettings DEFAULTS = new IvfSettings(2048, 15, 1.5, 4.0, 42L);

    IvfSettings {
        minTrainingSize = Math.max(1, minTrainingSize);
        iterations = Math.max(1, iterations);
        driftFactor = driftFactor > 1 ? driftFactor : 1.5;
        growthFactor = growthFactor > 1 ? growthFactor : 4.0;
    }

    static IvfSettings of(IvfConfig c) {
        return new IvfSettings(
                c.minTrainingSize(), c.trainingIterations(), c.retrainDriftFactor(), c.retrainGrowthFactor(), c.seed());
    }
}
