package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order a call tries the members in: the last that answered first, then the others in the configured order. */
class EndpointsTest {

    private static final URI A = URI.create("http://10.0.0.1:2379");
    private static final URI B = URI.create("http://10.0.0.2:2379");
    private static final URI C = URI.create("http://10.0.0.3:2379");
    private final Endpoints endpoints = new Endpoints(List.of(A, B, C));

    @Test
    void startsWithTheFirstThenWithTheOneThatAnsweredLast() {
        assertEquals(List.of(A, B, C), endpoints.inOrder());
        endpoints.answered(C);
        assertEquals(List.of(C, A, B), endpoints.inOrder());
        endpoints.answered(B);
        assertEquals(List.of(B, C, A), endpoints.inOrder());
    }

    @Test
    void aStreamThatBrokeMovesThePreferenceToTheNextOnlyIfItWasThePreferredOne() {
        endpoints.failed(A);
        assertEquals(List.of(B, C, A), endpoints.inOrder());
        endpoints.failed(A); // an older stream on A: B, which answered since, stays first
        assertEquals(List.of(B, C, A), endpoints.inOrder());
        endpoints.failed(C);
        assertEquals(List.of(B, C, A), endpoints.inOrder());
        endpoints.failed(B);
        endpoints.failed(C);
        assertEquals(List.of(A, B, C), endpoints.inOrder());
    }
}
