package io.nightshift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The suggestion for an unknown name: the typos people make find the name meant; unrelated words find nothing. */
class DidYouMeanTests {

    private static final List<String> KEYS = List.of("name", "model", "input", "output", "rejects", "id-column", "batch-size",
            "commit-interval", "threads", "max-reject-fraction", "overwrite", "device", "schedule");

    @Test
    void aMissingLetterFindsTheKey() {
        assertThat(DidYouMean.closest("comit-interval", KEYS)).hasValue("commit-interval");
        assertThat(DidYouMean.closest("ouput", KEYS)).hasValue("output");
    }

    @Test
    void swappedLettersCountAsOneTypo() {
        assertThat(DidYouMean.distance("ouptut", "output")).isEqualTo(1);
        assertThat(DidYouMean.closest("thraeds", KEYS)).hasValue("threads");
    }

    @Test
    void caseAndUnderscoresDoNotCount() {
        assertThat(DidYouMean.closest("commitInterval", KEYS)).hasValue("commit-interval");
        assertThat(DidYouMean.closest("batch_size", KEYS)).hasValue("batch-size");
        assertThat(DidYouMean.closest("batchsize", KEYS)).hasValue("batch-size");
    }

    @Test
    void aWordFarFromEveryKeyGetsNoSuggestion() {
        assertThat(DidYouMean.closest("colour", KEYS)).isEmpty();
        assertThat(DidYouMean.closest("retries", KEYS)).isEmpty();
    }

    @Test
    void longerKeysAllowMoreTypos() {
        // 19 letters allow 4 edits; 5 letters allow 2
        assertThat(DidYouMean.closest("max-rejection-fractions", KEYS)).hasValue("max-reject-fraction");
        assertThat(DidYouMean.closest("mdl", KEYS)).hasValue("model");
        assertThat(DidYouMean.closest("x", KEYS)).isEmpty();
    }
}
