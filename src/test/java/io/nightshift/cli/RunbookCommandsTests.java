package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * The runbooks' commands (in cli/ because the command line it parses with is package-private here): every {@code ./nightshift} line of a block marked {@code # local} is parsed by the real
 * command line (Picocli), so a command, option or argument a page names but the CLI does not have fails here. Blocks
 * marked {@code # not built yet} are reported as skipped with their reason; {@code # cluster} blocks (kubectl, aws)
 * cannot run here.
 */
class RunbookCommandsTests {

    private static final Path RUNBOOKS = Path.of("runbooks");
    private static final Pattern SHELL_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```");
    private static final List<String> MARKERS = List.of("# local", "# cluster", "# not built yet");
    /** Placeholders the pages use where the command line needs a value of a type. */
    private static final Map<String, String> PLACEHOLDERS = Map.of("RUN_ID", "42");

    /** One {@code sh} block of a page: its marker line and its commands, continued lines joined. */
    record Block(String page, String marker, List<String> commands) {
    }

    @TestFactory
    Stream<DynamicTest> everyLocalNightshiftCommandParses() {
        return blocks().stream().filter(block -> !block.marker().startsWith("# cluster")).flatMap(block -> block.commands().stream()
                .filter(command -> command.startsWith("./nightshift "))
                .map(command -> DynamicTest.dynamicTest(block.page() + ": " + command, () -> {
                    if (block.marker().startsWith("# not built yet")) {
                        Assumptions.abort(block.marker().substring(2));
                    }
                    List<String> arguments = arguments(command);
                    assertThatCode(() -> Nightshift.commandLine().parseArgs(arguments.toArray(String[]::new)))
                            .as("%s: %s", block.page(), command).doesNotThrowAnyException();
                })));
    }

    @Test
    void everyShellBlockSaysWhereItRuns() {
        assertThat(blocks()).isNotEmpty().allSatisfy(block -> assertThat(MARKERS).as("%s: block starting %s", block.page(), block.marker())
                .anySatisfy(marker -> assertThat(block.marker()).startsWith(marker)));
    }

    @Test
    void everyPageStartsWithCommandsAndSaysHowToVerifyRecovery() {
        for (Path page : pages()) {
            String text = read(page);
            String beforeFirstBlock = text.substring(0, Math.max(0, text.indexOf("```sh")));
            assertThat(text).as(page.toString()).contains("```sh").contains("## Verify recovery");
            assertThat(beforeFirstBlock.lines().filter(line -> line.startsWith("- ") || line.matches("\\d+\\. .*")).count())
                    .as("%s: the commands come before the explanations", page).isZero();
        }
    }

    @Test
    void theIndexListsEveryPageAndOnlyPagesThatExist() {
        String index = read(RUNBOOKS.resolve("README.md"));
        List<String> linked = new ArrayList<>();
        Matcher link = Pattern.compile("\\]\\(([a-z0-9-]+\\.md)\\)").matcher(index);
        while (link.find()) {
            linked.add(link.group(1));
        }
        List<String> pages = pages().stream().map(page -> page.getFileName().toString()).toList();
        assertThat(linked).containsExactlyInAnyOrderElementsOf(pages);
    }

    @Test
    void theIssuesFailureModesEachHaveAPage() {
        assertThat(pages()).extracting(page -> page.getFileName().toString()).contains("run-failed-or-killed.md", "run-stuck.md",
                "spot-interruption-storm.md", "worker-oomkilled.md", "budget-cap-hit.md", "model-promotion-and-rollback.md",
                "gate-rejected-candidate.md", "database-failover.md", "rabbitmq-down.md", "bad-input-file.md");
    }

    @Test
    void anOptionTheCliDoesNotHaveIsCaught() {
        // The check itself can fail: a misspelt option is a parse error, as in a page it would be.
        assertThatCode(() -> Nightshift.commandLine().parseArgs("status", "--lmit", "5")).isInstanceOf(CommandLine.ParameterException.class);
    }

    /** A command line as the shell would split it: quotes kept together, a trailing comment dropped, placeholders filled. */
    static List<String> arguments(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char character : command.toCharArray()) {
            if (quote != 0) {
                if (character == quote) {
                    quote = 0;
                } else {
                    word.append(character);
                }
            } else if (character == '\'' || character == '"') {
                quote = character;
                inWord = true;
            } else if (Character.isWhitespace(character)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (character == '#' && !inWord) {
                break;
            } else {
                word.append(character);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        assertThat(words.getFirst()).isEqualTo("./nightshift");
        return words.subList(1, words.size()).stream().map(argument -> PLACEHOLDERS.getOrDefault(argument, argument)).toList();
    }

    private static List<Block> blocks() {
        List<Block> blocks = new ArrayList<>();
        for (Path page : pages()) {
            Matcher matcher = SHELL_BLOCK.matcher(read(page));
            while (matcher.find()) {
                List<String> lines = matcher.group(1).lines().toList();
                List<String> commands = new ArrayList<>();
                StringBuilder current = new StringBuilder();
                for (String line : lines.subList(1, lines.size())) {
                    if (line.endsWith("\\")) {
                        current.append(line, 0, line.length() - 1).append(' ');
                    } else {
                        commands.add(current.append(line).toString().strip());
                        current.setLength(0);
                    }
                }
                blocks.add(new Block(page.getFileName().toString(), lines.isEmpty() ? "" : lines.getFirst(), commands));
            }
        }
        return blocks;
    }

    private static List<Path> pages() {
        try (Stream<Path> files = Files.list(RUNBOOKS)) {
            return files.filter(file -> file.toString().endsWith(".md") && !file.getFileName().toString().equals("README.md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + RUNBOOKS, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
