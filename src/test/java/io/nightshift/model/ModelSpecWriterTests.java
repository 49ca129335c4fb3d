package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code model.yaml} as written must read back, through the parser scoring uses, to the same spec, floats to the bit. */
class ModelSpecWriterTests {

    @Test
    void aWrittenSpecReadsBackEqual() {
        // given
        ModelSpec spec = new ModelSpec("churn", "3", "features", List.of(
                ModelSpec.FeatureSpec.plain("tenure_months"),
                new ModelSpec.FeatureSpec("monthly_charges", 64.8f, 30.1f, 64.8f),
                new ModelSpec.FeatureSpec("age", -1.25e-7f, 3.0e9f, null)),
                List.of(new ModelSpec.OutputSpec("probability", List.of("churn_probability"))));

        // when
        String yaml = ModelSpecWriter.toYaml(spec, List.of("Trained by a test.", "Second line."));

        // then
        assertThat(yaml).startsWith("# Trained by a test.\n# Second line.\n");
        assertThat(ModelSpecParser.parse(yaml, "model.yaml", "default", "0")).isEqualTo(spec);
    }

    @Test
    void meansAndScalesReadBackAsTheSameFloats() {
        // given: floats across magnitudes, including ones whose shortest decimal has nine digits
        SplittableRandom random = new SplittableRandom(17);
        List<ModelSpec.FeatureSpec> features = new ArrayList<>();
        for (int index = 0; index < 2_000; index++) {
            float mean = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-8, 9)));
            float scale = (float) (random.nextDouble(1e-3, 10) * Math.pow(10, random.nextInt(-6, 7)));
            features.add(new ModelSpec.FeatureSpec("f" + index, mean, scale, null));
        }
        ModelSpec spec = new ModelSpec("m", "1", null, features, List.of());

        // when
        ModelSpec read = ModelSpecParser.parse(ModelSpecWriter.toYaml(spec, List.of()), "model.yaml", "m", "1");

        // then
        for (int index = 0; index < features.size(); index++) {
            assertThat(Float.floatToRawIntBits(read.features().get(index).mean())).as("mean %d", index)
                    .isEqualTo(Float.floatToRawIntBits(features.get(index).mean()));
            assertThat(Float.floatToRawIntBits(read.features().get(index).scale())).as("scale %d", index)
                    .isEqualTo(Float.floatToRawIntBits(features.get(index).scale()));
        }
    }

    @Test
    void aVersionThatLooksLikeANumberStaysAString() {
        // given
        ModelSpec spec = new ModelSpec("churn", "007", null, List.of(ModelSpec.FeatureSpec.plain("x")), List.of());

        // when
        ModelSpec read = ModelSpecParser.parse(ModelSpecWriter.toYaml(spec, List.of()), "model.yaml", "d", "0");

        // then
        assertThat(read.version()).isEqualTo("007");
    }
}
