package dev.docpipe.local.serve;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ApiRoutesTest {
    @Test
    void methodsOfOneResource_goToTheFunctionThatOwnsThem() {
        assertThat(ApiRoutes.match("POST", "/jobs").function()).isEqualTo(ApiRoutes.Function.SUBMIT);
        assertThat(ApiRoutes.match("GET", "/jobs").function()).isEqualTo(ApiRoutes.Function.STATUS);
        assertThat(ApiRoutes.match("DELETE", "/jobs/abc").function()).isEqualTo(ApiRoutes.Function.SUBMIT);
        assertThat(ApiRoutes.match("GET", "/jobs/abc").function()).isEqualTo(ApiRoutes.Function.STATUS);
        assertThat(ApiRoutes.match("PUT", "/jobs/abc").function()).as("not declared: API Gateway's 403").isNull();
        assertThat(ApiRoutes.match("GET", "/jobs/abc/retry").function()).isNull();
        assertThat(ApiRoutes.match("POST", "/jobs/abc/retry").function()).isEqualTo(ApiRoutes.Function.SUBMIT);
        assertThat(ApiRoutes.match("POST", "/uploads").function()).isEqualTo(ApiRoutes.Function.SUBMIT);
    }

    @Test
    void templatesBindTheirParameters_andATrailingSlashIsTheSameResource() {
        ApiRoutes.Match m = ApiRoutes.match("POST", "/jobs/01a2/retry/");

        assertThat(m.route().resource()).isEqualTo("/jobs/{id}/retry");
        assertThat(m.pathParameters()).isEqualTo(Map.of("id", "01a2"));
        assertThat(ApiRoutes.match("GET", "/").route().resource()).isEqualTo("/");
    }

    @Test
    void onlyHealthAndTheDashboardGoWithoutAKey() {
        assertThat(ApiRoutes.ROUTES).filteredOn(r -> !r.keyRequired()).extracting(ApiRoutes.Route::resource)
                .containsExactlyInAnyOrder("/health", "/", "/assets/{file}");
    }

    @Test
    void pathsThatAreNoResource_matchNothing() {
        for (String path : List.of("/job", "/jobs/a/b", "/jobs//retry", "/stats/x", "/assets", "/uploads/x")) {
            assertThat(ApiRoutes.match("GET", path)).as(path).isNull();
        }
    }

    @Test
    void queryStrings_areDecoded_andRepeatedNamesKeepEveryValue() {
        assertThat(Gateway.query("status=completed&since=2026-11-25T10%3A00%3A00Z&a=1&a=2&flag"))
                .containsEntry("status", List.of("completed"))
                .containsEntry("since", List.of("2026-11-25T10:00:00Z"))
                .containsEntry("a", List.of("1", "2"))
                .containsEntry("flag", List.of(""));
        assertThat(Gateway.query(null)).isEmpty();
    }
}
