package dev.caracal.llm.embeddings.onnx.internal;

import ai.onnxruntime.OrtException;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.LlmProperties;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-MiniLM-L6-v2 sentence embedding model (quantized), run in-process on ONNX Runtime: 384 dimensions, unit
 * length vectors. The model, its tokenizer and ONNX Runtime with its natives are inside this bundle; nothing is
 * downloaded. Configuration changes swap in a new encoder without unregistering the service.
 */
@Component(
        service = EmbeddingModel.class,
        configurationPid = AllMiniLmEmbeddingModel.PID,
        property = LlmProperties.EMBEDDING_MODEL + "=" + AllMiniLmEmbeddingModel.NAME)
@Designate(ocd = AllMiniLmEmbeddingModel.Config.class)
public class AllMiniLmEmbeddingModel implements EmbeddingModel {

    public static final String PID = "dev.caracal.llm.embeddings.onnx";
    public static final String NAME = "all-minilm-l6-v2";
    public static final int DIMENSION = 384;
    /** The model's position embeddings end here. */
    public static final int MODEL_MAX_TOKENS = 512;

    @ObjectClassDefinition(
            name = "Caracal embeddings: all-MiniLM-L6-v2 (ONNX Runtime)",
            description = "The bundled all-MiniLM-L6-v2 sentence embedding model, run in-process.")
    public @interface Config {
        @AttributeDefinition(
                name = "Max tokens",
                description = "Longest input in model tokens, [CLS] and [SEP] "
                        + "included; longer text is truncated. The model was trained on 256; at most 512.")
        int maxTokens() default 256;

        @AttributeDefinition(
                name = "Batch size",
                description = "Inputs per ONNX Runtime run. With 1 (the default) "
                        + "a text's vector never depends on the other texts of the call. Larger batches pad inputs to "
                        + "the longest of the batch and, because the quantized model scales activations per batch, shift "
                        + "each vector slightly with its batch-mates (cosine about 0.99 to the unbatched vector).")
        int batchSize() default 1;

        @AttributeDefinition(
                name = "Parallelism",
                description = "Most ONNX Runtime runs one call has in flight: "
                        + "the calling thread plus helper threads. 0 means one per available processor.")
        int parallelism() default 0;

        @AttributeDefinition(
                name = "Intra-op threads",
                description = "ONNX Runtime threads inside one run. 1 (the "
                        + "default) suits running several runs in parallel; 0 lets ONNX Runtime use one per core.")
        int intraOpThreads() default 1;
    }

    private static final Logger LOG = LoggerFactory.getLogger(AllMiniLmEmbeddingModel.class);

    private volatile SentenceEncoder encoder;
    private volatile int maxTokens = 256;

    public AllMiniLmEmbeddingModel() {}

    /** For tests: a component already running on {@code encoder}. */
    AllMiniLmEmbeddingModel(SentenceEncoder encoder) {
        this.encoder = encoder;
        this.maxTokens = encoder.maxTokens();
    }

    /** Loads the model. Called by Declarative Services; public so that harnesses outside OSGi can run it. */
    @Activate
    public void activate(Config config) throws Exception {
        encoder = load(config);
    }

    /** Swaps in an encoder with the new configuration; the service stays registered. */
    @Modified
    public void modified(Config config) throws Exception {
        SentenceEncoder previous = encoder;
        encoder = load(config);
        close(previous); // waits for the batches in flight; calls that meet it closed retry on the new encoder
    }

    /** Waits for the runs in flight and releases the session; later calls fail with UNAVAILABLE. */
    @Deactivate
    public void deactivate() {
        SentenceEncoder previous = encoder;
        encoder = null;
        close(previous);
    }

    private SentenceEncoder load(Config config) throws Exception {
        int tokens = clamp(config.maxTokens(), 8, MODEL_MAX_TOKENS);
        int batch = clamp(config.batchSize(), 1, 1024);
        int processors = Runtime.getRuntime().availableProcessors();
        int parallel = clamp(config.parallelism() <= 0 ? processors : config.parallelism(), 1, 256);
        int intraOp = clamp(config.intraOpThreads(), 0, 256);
        long start = System.nanoTime();
        SentenceEncoder loaded = SentenceEncoder.fromBundledModel(tokens, batch, parallel, intraOp);
        maxTokens = tokens;
        LOG.info(
                "Loaded embedding model {} in {} ms (maxTokens={}, batchSize={}, parallelism={}, intraOpThreads={},"
                        + " inputs={})",
                NAME,
                (System.nanoTime() - start) / 1_000_000,
                tokens,
                batch,
                parallel,
                intraOp,
                loaded.inputNames());
        return loaded;
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    private static void close(SentenceEncoder e) {
        if (e == null) {
            return;
        }
        try {
            e.close();
        } catch (OrtException | RuntimeException x) {
            LOG.warn("Closing the ONNX Runtime session of {} failed", NAME, x);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public boolean normalized() {
        return true;
    }

    @Override
    public int maxInputTokens() {
        return maxTokens;
    }

    @Override
    public Embeddings embed(List<String> inputs) {
        if (inputs == null) {
            throw new LlmException(ErrorKind.INVALID_REQUEST, "inputs must not be null");
        }
        if (inputs.isEmpty()) {
            return new Embeddings(List.of(), 0);
        }
        while (true) {
            SentenceEncoder e = encoder;
            if (e == null) {
                throw new LlmException(ErrorKind.UNAVAILABLE, "the embedding model " + NAME + " is not active");
            }
            try {
                SentenceEncoder.Result result = e.encode(inputs);
                return new Embeddings(result.vectors(), result.tokens());
            } catch (SentenceEncoder.ClosedException closed) {
                SentenceEncoder current = encoder;
                if (current == null || current == e) {
                    throw new LlmException(ErrorKind.UNAVAILABLE, "the embedding model " + NAME + " is stopping");
                }
                // reconfigured while the call ran: run it again on the new encoder
            } catch (OrtException x) {
                throw new LlmException(
                        ErrorKind.UPSTREAM, "ONNX Runtime failed to embed: " + x.getMessage(), 0, null, x);
            } catch (LlmException x) {
                throw x;
            } catch (RuntimeException x) {
                throw new LlmException(ErrorKind.UPSTREAM, "embedding failed: " + x, 0, null, x);
            }
        }
    }
}
