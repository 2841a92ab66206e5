package dev.caracal.vector.text.bm25.internal;

import dev.caracal.vector.text.TextIndex;
import dev.caracal.vector.text.TextIndexContext;
import dev.caracal.vector.text.TextIndexFactory;
import java.util.Map;
import org.apache.lucene.codecs.Codec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text index type {@code bm25}: keyword search scored by BM25 on an embedded Apache Lucene, one Lucene index per
 * collection in the directory the store gives it. The configuration ({@value #PID}, optional) applies to indexes
 * opened after it changes; an index persisted with other settings is rebuilt by the store on its next open.
 */
@Component(
        service = TextIndexFactory.class,
        configurationPid = Bm25TextIndexFactory.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = TextIndexFactory.TYPE_PROPERTY + "=" + Bm25TextIndexFactory.TYPE)
@Designate(ocd = Bm25TextIndexFactory.Config.class)
public class Bm25TextIndexFactory implements TextIndexFactory {
    public static final String TYPE = "bm25";
    public static final String PID = "dev.caracal.vector.text.bm25";

    @ObjectClassDefinition(
            name = "Caracal text index: BM25 (Lucene)",
            description = "Keyword search over record text, scored by BM25. Changes apply to text indexes opened "
                    + "afterwards; an index persisted with other settings is rebuilt.")
    public @interface Config {
        @AttributeDefinition(
                name = "Analyzer",
                description = "english: standard tokenizer, possessives, lower case, "
                        + "English stop words, Porter stemming. standard: standard tokenizer and lower case only.",
                options = {
                    @Option(label = "English", value = "english"),
                    @Option(label = "Standard", value = "standard")
                })
        String analyzer() default "english";

        @AttributeDefinition(name = "k1", description = "BM25 term-frequency saturation, >= 0.")
        double k1() default 1.2;

        @AttributeDefinition(name = "b", description = "BM25 length normalization, in [0, 1].")
        double b() default 0.75;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Bm25TextIndexFactory.class);

    private volatile Bm25Settings settings = Bm25Settings.DEFAULTS;

    public Bm25TextIndexFactory() {}

    /** For tests and harnesses outside OSGi. */
    public Bm25TextIndexFactory(Map<String, ?> config) {
        this.settings = Bm25Settings.fromConfig(config);
    }

    @Activate
    void activate(Map<String, Object> config) {
        settings = Bm25Settings.fromConfig(config);
        // Cheap self-check that Lucene's SPI (META-INF/services inside this bundle) is visible to Lucene's class
        // loader: fails activation with Lucene's own message if the default codec cannot be found.
        String codec = Codec.getDefault().getName();
        LOG.debug("BM25 text index factory active: {} (Lucene codec {})", settings, codec);
    }

    @Modified
    void modified(Map<String, Object> config) {
        settings = Bm25Settings.fromConfig(config);
        LOG.info("BM25 text index settings for indexes opened from now on: {}", settings);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TextIndex open(TextIndexContext context) {
        return Bm25TextIndex.open(context, settings);
    }

    Bm25Settings settings() {
        return settings;
    }
}
