# Sourced by gateway.sh and gateway-ab.sh: a Caracal distribution copied into a work directory and configured as the
# gateway harness measures it (the OpenAI provider, and with INGRESS=anthropic the Anthropic one, pointed at the
# harness's upstream; free ports for HTTP and SSH).
#
# free_port: prints a free TCP port on 127.0.0.1.
# caracal_instance DIST DIR UPSTREAM_PORT: copies DIST to DIR (without its data) and configures it; prints its HTTP port.
# caracal_start DIR HTTP_PORT PIN_PREFIX: starts it (JAVA_MAX_MEM 1 GB, EXTRA_JAVA_OPTS as exported), waits for
#   /readyz, prints its process id. CARACAL_ADMIN_KEY must be exported (the load sends it).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

caracal_instance() {
    local dist=$1 dir=$2 up=$3 http ssh etc
    http=$(free_port); ssh=$(free_port)
    cp -a "$dist" "$dir" && rm -rf "$dir/data"
    etc="$dir/etc"
    echo "org.osgi.service.http.port = $http" >> "$etc/org.ops4j.pax.web.cfg"
    sed -i "s/^sshPort.*/sshPort = $ssh/" "$etc/org.apache.karaf.shell.cfg"
    sed -i 's/^featuresBoot = \\/featuresBoot = \\\n    caracal-llm-openai, \\/' "$etc/org.apache.karaf.features.cfg"
    cat > "$etc/dev.caracal.llm.openai-bench.cfg" <<CFG
id = bench
baseUrl = http://127.0.0.1:$up/v1
apiKey = sk-bench
models = bench-model
maxRetries = 2
CFG
    if [ "${INGRESS:-openai}" = anthropic ]; then
        # the Anthropic provider, routed by its own model; baseUrl is the API root, before /v1/messages
        sed -i 's/^featuresBoot = \\/featuresBoot = \\\n    caracal-llm-anthropic, \\/' "$etc/org.apache.karaf.features.cfg"
        cat > "$etc/dev.caracal.llm.anthropic-bench.cfg" <<CFG
id = bench-anthropic
baseUrl = http://127.0.0.1:$up
apiKey = sk-ant-bench
models = bench-claude
maxRetries = 2
CFG
    fi
    echo "$http"
}

caracal_start() {
    local dir=$1 http=$2 pin=$3
    JAVA_MAX_MEM=1024M $pin "$dir/bin/karaf" server > "$dir/console.log" 2>&1 &
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "localhost:$http/readyz")" = 200 ]; do sleep 0.2; done
    pgrep -f "karaf.home=$dir" | head -1
}
