package io.lwt.transport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.bouncycastle.tls.TlsServerProtocol;

/** BouncyCastle's blocking server protocol, with every record passing the connection's {@link RecordGate}. */
final class ServerProtocol extends TlsServerProtocol {

    private final RecordGate gate;

    ServerProtocol(InputStream input, OutputStream output, RecordGate gate) {
        super(input, output);
        this.gate = gate;
    }

    @Override
    protected void writeRecord(short type, byte[] buf, int off, int len) throws IOException {
        gate.write(type, () -> super.writeRecord(type, buf, off, len));
    }
}
