/* Merkle maths: known answers, proofs for every (index, size) up to 70, edge cases. */
#include "../test.h"

static trace_hasher *h;

static void leaf(uint8_t *out, const char *hex)
{
	uint8_t data[64];
	size_t n = strlen(hex) / 2;
	test_hex(data, hex, n);
	CHECK_OK(trace_merkle_leaf_hash(out, 32, h, data, n));
}

static void known_answers(void)
{
	uint8_t out[32], want[32];
	CHECK_OK(trace_merkle_root(out, sizeof out, h, NULL, 0));
	test_hex(want, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 32);
	CHECK(memcmp(out, want, 32) == 0);
	leaf(out, "");
	test_hex(want, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", 32);
	CHECK(memcmp(out, want, 32) == 0);
	CHECK_OK(trace_merkle_leaf_hash(out, 32, h, (const uint8_t *)"L123456", 7));
	test_hex(want, "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56", 32);
	CHECK(memcmp(out, want, 32) == 0);
	/* The classic 8-leaf tree (RFC 6962 test data) and its roots for sizes 1..8. */
	static const char *leaves[] = { "", "00", "10", "2021", "3031", "40414243",
	                                "5051525354555657", "606162636465666768696a6b6c6d6e6f" };
	static const char *roots[] = {
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	uint8_t hashes[8 * 32];
	for (int i = 0; i < 8; i++)
		leaf(hashes + 32 * i, leaves[i]);
	for (int n = 1; n <= 8; n++) {
		CHECK_OK(trace_merkle_root(out, 32, h, hashes, (uint64_t)n));
		test_hex(want, roots[n - 1], 32);
		if (memcmp(out, want, 32) != 0)
			fprintf(stderr, "root of size %d differs\n", n), test_failures++;
	}
}

static void all_proofs(void)
{
	enum { N = 70 };
	uint8_t hashes[N * 32], root[N + 1][32];
	for (int i = 0; i < N; i++) {
		uint8_t e = (uint8_t)i;
		CHECK_OK(trace_merkle_leaf_hash(hashes + 32 * i, 32, h, &e, 1));
	}
	for (int n = 1; n <= N; n++)
		CHECK_OK(trace_merkle_root(root[n], 32, h, hashes, (uint64_t)n));
	for (uint64_t size = 1; size <= N; size++) {
		for (uint64_t i = 0; i < size; i++) {
			trace_buf p = TRACE_BUF_INIT;
			CHECK_OK(trace_merkle_inclusion_proof(&p, h, hashes, size, i));
			CHECK_OK(trace_merkle_verify_inclusion(h, i, size, hashes + 32 * i, 32, p.ptr, p.size, root[size], 32));
			/* Another leaf, a flipped bit, or a wrong length must fail. */
			CHECK_RC(trace_merkle_verify_inclusion(h, i, size, hashes + 32 * ((i + 1) % N), 32, p.ptr, p.size, root[size], 32),
			         TRACE_ECHAINBREAK);
			if (p.size) {
				p.ptr[p.size - 1] ^= 1;
				CHECK_RC(trace_merkle_verify_inclusion(h, i, size, hashes + 32 * i, 32, p.ptr, p.size, root[size], 32),
				         TRACE_ECHAINBREAK);
				p.ptr[p.size - 1] ^= 1;
				CHECK_RC(trace_merkle_verify_inclusion(h, i, size, hashes + 32 * i, 32, p.ptr, p.size - 32, root[size], 32),
				         TRACE_EINVAL);
			}
			trace_buf_dispose(&p);
		}
		for (uint64_t s1 = 1; s1 <= size; s1++) {
			trace_buf p = TRACE_BUF_INIT;
			CHECK_OK(trace_merkle_consistency_proof(&p, h, hashes, size, s1));
			CHECK_OK(trace_merkle_verify_consistency(h, s1, size, p.ptr, p.size, root[s1], 32, root[size], 32));
			if (s1 < size) {
				CHECK_RC(trace_merkle_verify_consistency(h, s1, size, p.ptr, p.size, root[size], 32, root[s1], 32),
				         TRACE_ECHAINBREAK);
				if (s1 > 1)
					CHECK(trace_merkle_verify_consistency(h, s1 - 1, size, p.ptr, p.size, root[s1 - 1], 32, root[size], 32) != TRACE_OK);
			}
			trace_buf_dispose(&p);
		}
	}
}

static void edge_cases(void)
{
	uint8_t r[32] = { 0 }, l[32] = { 0 };
	/* A proof from size 0 is meaningless, even to size 0. */
	CHECK_RC(trace_merkle_verify_consistency(h, 0, 0, NULL, 0, r, 32, r, 32), TRACE_EINVAL);
	CHECK_MSG("empty tree");
	CHECK_RC(trace_merkle_verify_consistency(h, 0, 5, NULL, 0, r, 32, r, 32), TRACE_EINVAL);
	/* Equal sizes: empty proof and equal roots. */
	CHECK_OK(trace_merkle_verify_consistency(h, 3, 3, NULL, 0, r, 32, r, 32));
	CHECK_RC(trace_merkle_verify_consistency(h, 3, 3, r, 32, r, 32, r, 32), TRACE_EINVAL);
	l[0] = 1;
	CHECK_RC(trace_merkle_verify_consistency(h, 3, 3, NULL, 0, r, 32, l, 32), TRACE_ECHAINBREAK);
	CHECK_RC(trace_merkle_verify_consistency(h, 4, 3, NULL, 0, r, 32, r, 32), TRACE_EINVAL);
	/* ...of the hash's size: two empty or short "roots" that agree prove nothing (a fuzz finding). */
	CHECK_RC(trace_merkle_verify_consistency(h, 3, 3, NULL, 0, r, 0, l, 0), TRACE_EINVAL);
	CHECK_MSG("roots must be 32 bytes");
	CHECK_RC(trace_merkle_verify_consistency(h, 3, 3, NULL, 0, r, 31, r, 31), TRACE_EINVAL);
	CHECK_RC(trace_merkle_verify_consistency(h, 3, 3, NULL, 0, r, 33, r, 33), TRACE_EINVAL);
	/* 32-byte hashes only. */
	CHECK_RC(trace_merkle_verify_inclusion(h, 0, 1, l, 31, NULL, 0, l, 32), TRACE_EINVAL);
	CHECK_RC(trace_merkle_verify_inclusion(h, 0, 1, l, 32, NULL, 0, l, 33), TRACE_EINVAL);
	CHECK_OK(trace_merkle_verify_inclusion(h, 0, 1, l, 32, NULL, 0, l, 32));
	CHECK_RC(trace_merkle_verify_inclusion(h, 1, 1, l, 32, NULL, 0, l, 32), TRACE_EINVAL);
	CHECK_MSG("not below");
	CHECK_RC(trace_merkle_verify_inclusion(h, 0, 2, l, 32, r, 31, l, 32), TRACE_EINVAL);
	/* Huge sizes do not overflow the length arithmetic. */
	CHECK_RC(trace_merkle_verify_inclusion(h, UINT64_MAX - 1, UINT64_MAX, l, 32, r, 32, l, 32), TRACE_EINVAL);
	CHECK_RC(trace_merkle_leaf_hash(l, 16, h, l, 1), TRACE_EBUFS);
	trace_hasher *bad;
	CHECK_RC(trace_hasher_new(&bad, 99), TRACE_EUNSUPPORTED);
}

int main(void)
{
	CHECK_OK(trace_hasher_new(&h, TRACE_SUITE_SHA256_ED25519));
	CHECK(trace_hasher_size(h) == 32);
	known_answers();
	all_proofs();
	edge_cases();
	trace_hasher_free(h);
	return test_done("merkle");
}
