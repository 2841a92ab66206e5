package dev.caracal.vector.index.ivf.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "Caracal vector index: IVF",
        description = "Training of the ivf and ivf-pq index plugins (PIDs dev.caracal.vector.index.ivf and "
                + "dev.caracal.vector.index.ivfpq). A change re-registers the plugin; collections rebuild their index.")
public @interface IvfConfig {
    @AttributeDefinition(
            name = "Minimum training size",
            description = "Vectors needed before the first k-means training; until then searches are exact scans.")
    int minTrainingSize() default 2048;

    @AttributeDefinition(name = "Training iterations", description = "Lloyd iterations of each k-means.")
    int trainingIterations() default 15;

    @AttributeDefinition(
            name = "Drift factor",
            description = "Retrain when new vectors are this many times farther from their centroid than at training.")
    double retrainDriftFactor() default 1.5;

    @AttributeDefinition(name = "Growth factor", description = "Retrain when the index has grown this many times.")
    double retrainGrowthFactor() default 4.0;

    @AttributeDefinition(
            name = "Seed",
            description = "Random seed of sampling and k-means (training is deterministic).")
    long seed() default 42L;
}
