package io.lwt.transport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.bouncycastle.tls.TlsClientProtocol;

/** BouncyCastle's blocking client protocol, with every record passing the connection's {@link RecordGate}. */
final class ClientProtocol extends TlsClientProtocol {

    private final RecordGate gate;

    ClientProtocol(InputStream input, OutputStream output, RecordGate gate) {
        super(input, output);
        this.gate = gate;
    }

    @Override
    protected void writeRecord(short type, byte[] buf, int off, int len) throws IOException {
        gate.write(type, () -> super.writeRecord(type, buf, off, len));
    }
}
