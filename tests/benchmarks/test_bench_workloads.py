import json

from benchmarks.cognito_servers import PASSWORD, Workload
from benchmarks.http_load import parse_wrk_report
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.secret_hash import compute_secret_hash

POOL = PoolConfig("us-east-1", "us-east-1_abc", "client1", "s3cret", "http://127.0.0.1:1")
# Base64(HMAC-SHA256("s3cret", username + "client1")), from
# `printf bobclient1 | openssl dgst -sha256 -hmac s3cret -binary | base64`.
BOB_SECRET_HASH = "zrWU8UodQw+EnYUPwS3MC4VoknSs8N6JPw6Qtz8SGfo="


def workload() -> Workload:
    return Workload("emulator", "127.0.0.1", 1, POOL, ["alice", "bob"], ["tok-a", "tok-b"])


def test_each_client_logs_in_as_its_own_user_with_cognitos_secret_hash() -> None:
    login = workload().factory("InitiateAuth")
    body = json.loads(login(1, 99).body or b"")
    assert body["AuthFlow"] == "USER_PASSWORD_AUTH"
    assert body["AuthParameters"] == {
        "USERNAME": "bob",
        "PASSWORD": PASSWORD,
        "SECRET_HASH": BOB_SECRET_HASH,
    }


def test_get_user_sends_the_clients_access_token() -> None:
    read = workload().factory("GetUser")
    assert json.loads(read(0, 0).body or b"") == {"AccessToken": "tok-a"}


def test_sign_up_names_are_unique_across_clients_sequences_and_runs() -> None:
    load = workload()
    first, second = load.factory("SignUp"), load.factory("SignUp")
    names = {
        json.loads(make(index, sequence).body or b"")["Username"]
        for make in (first, second)
        for index in range(2)
        for sequence in range(3)
    }
    assert len(names) == 12
    body = json.loads(first(0, 0).body or b"")
    assert body["SecretHash"] == compute_secret_hash("client1", "s3cret", body["Username"])


def test_wrk_report_line_becomes_a_throughput_with_status_errors_subtracted() -> None:
    output = (
        "Running 1s test @ http://127.0.0.1:1/\n"
        '{"requests": 1000, "duration_us": 2000000, "failed": 10, "status_errors": 4, '
        '"p50_us": 1500, "p95_us": 4000}\n'
    )
    result = parse_wrk_report(output)
    assert result.operations == 996
    assert result.errors == 10
    assert result.per_second == 498
    assert (result.p50_ms, result.p95_ms) == (1.5, 4.0)
