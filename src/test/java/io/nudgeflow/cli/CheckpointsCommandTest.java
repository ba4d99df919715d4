package io.nudgeflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prune command's refusals; what it deletes on a real cluster is in the cluster tier. */
class CheckpointsCommandTest {
    private final Cli cli = new Cli();

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void deletesNothingWhenTheJobManagerCannotBeAsked(@TempDir Path dir) throws Exception {
        Path job = Files.createDirectories(dir.resolve("0123456789abcdef0123456789abcdef").resolve("chk-1"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        int exit = run("checkpoints", "prune", "--checkpoint-dir", dir.toString(), "--rest-url",
                "http://127.0.0.1:" + closedPort, "--older-than", "0s");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).startsWith("Nothing deleted: cannot reach the JobManager at http://127.0.0.1:" + closedPort);
        assertThat(job).isDirectory();
    }

    @Test
    void aCheckpointDirectoryThatIsNoneIsAnInvalidOption(@TempDir Path dir) {
        int exit = run("checkpoints", "prune", "--checkpoint-dir", dir.resolve("missing").toString(), "--rest-url",
                "http://127.0.0.1:8081");

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err()).contains("Invalid option --checkpoint-dir").doesNotContain("Exception");
    }

    @Test
    void withoutASubcommandItSaysWhichThereAre() {
        assertThat(run("checkpoints")).isEqualTo(2);
        assertThat(cli.err()).contains("Missing command: prune");
    }
}
