/*
 * fuzz_fixtures: the fixed test keys and signed checkpoints the targets verify
 * against, so that seeds signed with the keys in fuzz/testkeys/ reach the success
 * paths.  Test keys only: their private halves are committed on purpose.
 */
#ifndef FUZZ_FIXTURES_H
#define FUZZ_FIXTURES_H

#define FUZZ_LOG_VKEY "fuzz.example/log+122dc157+AfqOCrdqlguhzfjPhwhgRaxO2IUhfGa+1tITfHdWjIzS"
#define FUZZ_WITNESS_VKEY "fuzz.example/witness+09da3b09+BHk/kd7AOw/qxdf5iy/vgVIGPMzdeWUONfumR6XSbph4"

/* A 7-entry raw log's checkpoint ("entry 0\n" .. "entry 6\n"), log-signed. */
#define FUZZ_CHECKPOINT \
	"fuzz.example/log\n" \
	"7\n" \
	"YKQybLwsL5BFr3eA5qS7SplWNLOKCgKCnBewk5Ysqfk=\n" \
	"\n" \
	"\xe2\x80\x94" " fuzz.example/log Ei3BV2nqnNlb7J6PZA7XMFnDS2TgW0hcxfBpjGoDiJf+VfPJqI16IZuIkHTEMrhqq4nYPVbNlRqla8mFof8y+/dngQY=\n"

/* The same checkpoint cosigned by the witness key. */
#define FUZZ_CHECKPOINT_COSIGNED \
	"fuzz.example/log\n" \
	"7\n" \
	"YKQybLwsL5BFr3eA5qS7SplWNLOKCgKCnBewk5Ysqfk=\n" \
	"\n" \
	"\xe2\x80\x94" " fuzz.example/log Ei3BV2nqnNlb7J6PZA7XMFnDS2TgW0hcxfBpjGoDiJf+VfPJqI16IZuIkHTEMrhqq4nYPVbNlRqla8mFof8y+/dngQY=\n" \
	"\xe2\x80\x94" " fuzz.example/witness Cdo7CQAAAABrBI4QhjeIEof1bM4XXLAzrdiuQ58pivKSiS4SlDhJj5omYCvY8ugm3713BnXVMTl7rC/Esl5nVs2aeDjIbASDTqkUAw==\n"

/* Policies: the log alone, and the log with the witness as quorum. */
#define FUZZ_POLICY_LOG "log " FUZZ_LOG_VKEY "\nquorum none\n"
#define FUZZ_POLICY_WITNESSED \
	"log " FUZZ_LOG_VKEY "\nwitness w " FUZZ_WITNESS_VKEY "\nquorum w\n"

#endif
