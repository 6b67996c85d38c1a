#!/bin/bash
# Formats storage on first start with the SCRAM users of the admin, the broker and each
# service (passwords from the environment), then runs the broker.
set -euo pipefail
properties=/opt/tsunagu/server.properties
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  scram=()
  for entry in admin:ADMIN broker:BROKER directory:DIRECTORY referrals:REFERRALS \
      notifications:NOTIFICATIONS audit:AUDIT; do
    variable="TSUNAGU_KAFKA_${entry##*:}_PASSWORD"
    scram+=(--add-scram "SCRAM-SHA-512=[name=tsunagu-${entry%%:*},password=${!variable}]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "${CLUSTER_ID}" -c "${properties}" "${scram[@]}"
fi
umask 077
cat > /tmp/admin.properties <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="tsunagu-admin" password="${TSUNAGU_KAFKA_ADMIN_PASSWORD}";
ssl.truststore.type=PEM
ssl.truststore.location=/etc/kafka/tls/ca.pem
PROPERTIES
exec /opt/kafka/bin/kafka-server-start.sh "${properties}"
