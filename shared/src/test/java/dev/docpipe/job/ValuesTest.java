package dev.docpipe.job;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {
    @Test
    void priority_parsesTheThreeNamesInAnyCase() {
        assertThat(Priority.parse("high")).isEqualTo(Priority.HIGH);
        assertThat(Priority.parse(" Default ")).isEqualTo(Priority.DEFAULT);
        assertThat(Priority.parse("LOW")).isEqualTo(Priority.LOW);
    }

    @Test
    void priority_unknownValue_isAClearErrorNamingTheAcceptedOnes() {
        assertThatThrownBy(() -> Priority.parse("urgent"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("unknown priority 'urgent'; accepted: high, default, low")
                .satisfies(e -> {
                    assertThat(((DocpipeException) e).code()).isEqualTo(ErrorCode.INVALID_PRIORITY);
                    assertThat(((DocpipeException) e).field()).isEqualTo("priority");
                });
        assertThatThrownBy(() -> Priority.parse(null)).hasMessageContaining("accepted: high, default, low");
    }

    @Test
    void format_unknownValue_namesTheAcceptedOnes() {
        assertThatThrownBy(() -> Format.parse("docx"))
                .hasMessage("unknown format 'docx'; accepted: html, markdown, text");
    }

    @Test
    void errorCodes_haveStableSnakeCaseWireNames() {
        assertThat(ErrorCode.TOO_LARGE.code()).isEqualTo("too_large");
        assertThat(ErrorCode.fromCode("unsupported_content")).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(c.code()).matches("[a-z_]+");
            assertThat(ErrorCode.fromCode(c.code())).isEqualTo(c);
        }
    }

    @Test
    void jobId_isAUuidV7ThatSortsByCreationTime() {
        List<JobId> ids = new ArrayList<>();
        Instant t = Instant.parse("2026-11-25T10:00:00Z");
        for (int i = 0; i < 100; i++) {
            ids.add(JobId.newId(t.plusMillis(i)));
        }

        assertThat(ids).isSorted();
        assertThat(ids.get(0).value()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(ids.get(5).createdAt()).isEqualTo(t.plusMillis(5));
        assertThat(JobId.lowerBound(t.plusMillis(5))).isLessThanOrEqualTo(ids.get(5).value())
                .isGreaterThan(ids.get(4).value());
    }

    @Test
    void jobId_rejectsAnythingElse() {
        assertThat(JobId.isValid("../../etc/passwd")).isFalse();
        assertThatThrownBy(() -> new JobId("x")).isInstanceOf(DocpipeException.class);
    }

    @Test
    void dedupKey_dependsOnOwnerContentAndOptionsButNotOptionOrder() {
        String a = DedupKey.of("alice", "sha256:abc", Map.of("pageSize", "A4", "margin", "10mm"));
        String sameOptionsOtherOrder = DedupKey.of("alice", "sha256:abc", new java.util.LinkedHashMap<>(
                Map.of("margin", "10mm", "pageSize", "A4")));

        assertThat(a).isEqualTo(sameOptionsOtherOrder).startsWith("v1:");
        assertThat(DedupKey.of("bob", "sha256:abc", Map.of("pageSize", "A4", "margin", "10mm"))).isNotEqualTo(a);
        assertThat(DedupKey.of("alice", "sha256:abd", Map.of("pageSize", "A4", "margin", "10mm"))).isNotEqualTo(a);
        assertThat(DedupKey.of("alice", "sha256:abc", Map.of("pageSize", "Letter", "margin", "10mm"))).isNotEqualTo(a);
    }
}
