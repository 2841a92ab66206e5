package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentencesTest {

    private static List<String> sentences(String text) {
        return Sentences.split(text, 0, text.length()).stream()
                .map(s -> text.substring(s[0], s[1]))
                .toList();
    }

    @Test
    void splitsAfterTerminalPunctuationFollowedBySpace() {
        assertEquals(
                List.of("One.", "Two!", "Three?!", "Four...", "Five"),
                sentences("  One. Two!\nThree?!   Four... Five  "));
    }

    @Test
    void titlesAndInitialsAreNotSentenceEnds() {
        assertEquals(
                List.of("Dr. Smith and Mrs. Jones met Prof. J. R. Tolkien in St. Andrews.", "It rained."),
                sentences("Dr. Smith and Mrs. Jones met Prof. J. R. Tolkien in St. Andrews. It rained."));
        assertEquals(
                List.of("Coffman, E. G. and Wood, R. C. wrote it.", "Done."),
                sentences("Coffman, E. G. and Wood, R. C. wrote it. Done."));
    }

    @Test
    void latinAndDottedAbbreviationsAreNotSentenceEnds() {
        assertEquals(
                List.of("The U.S. Army uses radios, e.g. VHF sets, i.e. short range ones.", "Then more."),
                sentences("The U.S. Army uses radios, e.g. VHF sets, i.e. short range ones. Then more."));
        assertEquals(
                List.of("See Fig. 3 and No. 5 (cf. Eq. 2).", "Fine."),
                sentences("See Fig. 3 and No. 5 (cf. Eq. 2). Fine."));
        assertEquals(List.of("He said no.", "Then left."), sentences("He said no. Then left."));
    }

    @Test
    void lowerCaseContinuationAndNumbersDoNotSplit() {
        assertEquals(
                List.of("Version 3.14 is out at 5 p.m. today and ca. ten users care.", "Good."),
                sentences("Version 3.14 is out at 5 p.m. today and ca. ten users care. Good."));
    }

    @Test
    void closingQuotesAndBracketsStayWithTheirSentence() {
        assertEquals(
                List.of("He said \"stop.\"", "(It was late.)", "“Fine.”", "Next"),
                sentences("He said \"stop.\" (It was late.) “Fine.” Next"));
    }

    @Test
    void spansAreRelativeToTheWholeText() {
        String text = "xx First one. Second one. yy";
        List<int[]> spans = Sentences.split(text, 3, 25);
        assertEquals(2, spans.size());
        assertEquals("First one.", text.substring(spans.get(0)[0], spans.get(0)[1]));
        assertEquals("Second one.", text.substring(spans.get(1)[0], spans.get(1)[1]));
    }
}
