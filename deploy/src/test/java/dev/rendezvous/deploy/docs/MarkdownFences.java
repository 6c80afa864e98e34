package dev.rendezvous.deploy.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fenced code blocks of a CommonMark text (``` or ~~~, indented or not, e.g. inside a list item). */
final class MarkdownFences {
    private static final Pattern OPENING = Pattern.compile("^( {0,8})(`{3,}|~{3,})\\s*([^`\\s]*)[^`]*$");

    /**
     * One fenced block.
     *
     * @param label     the info string's first word, lower-cased ({@code bash}, {@code json}); empty when unlabeled
     * @param firstLine the file's line number (from 1) of the block's first content line
     * @param text      the content, without the fence's indentation, lines joined with {@code \n}
     */
    record Fence(String label, int firstLine, String text) {
    }

    private MarkdownFences() {
    }

    static List<Fence> of(String markdown) {
        List<Fence> fences = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher opening = OPENING.matcher(lines[i]);
            if (!opening.matches()) {
                continue;
            }
            String indent = opening.group(1);
            String fence = opening.group(2);
            List<String> content = new ArrayList<>();
            int j = i + 1;
            // An unclosed fence runs to the end of the document, as CommonMark says.
            while (j < lines.length && !isClosing(lines[j], fence)) {
                String line = lines[j];
                content.add(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading());
                j++;
            }
            fences.add(new Fence(opening.group(3).toLowerCase(java.util.Locale.ROOT), i + 2, String.join("\n", content)));
            i = j;
        }
        return fences;
    }

    private static boolean isClosing(String line, String fence) {
        String stripped = line.strip();
        return stripped.length() >= fence.length() && stripped.chars().allMatch(c -> c == fence.charAt(0));
    }
}
