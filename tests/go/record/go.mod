module virthub.org/tests/go/record

go 1.22
