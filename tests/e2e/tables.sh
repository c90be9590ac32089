# tables.sh - sourced by run.sh: the official tables, their page breaks,
# derived totals, large values and landscape tables.

# rows_in_order PDF FIRST LAST: the 表三 row anchors appear in the official
# order in `pdftotext -layout` of pages FIRST..LAST (continuation header
# rows repeat, so only the row labels are followed).
rows_in_order() {
	pdftotext -f "$2" -l "$3" -layout "$1" "$tmp/rows.txt" 2>/dev/null
	contains_in_order "$tmp/rows.txt" "$root/tests/e2e/data/table3-row-anchors.txt"
}

# --- the seed sample: rows read in the official order ---------------------
if out=$(rows_in_order "$pdf" 1 "$pages"); then
	pass "seed: pdftotext -layout reads 表三 row by row in the official order"
else
	fail "seed: pdftotext -layout reads 表三 row by row in the official order" "$out"
fi

# --- a table that breaks inside nested row spans -----------------------------
brk=$tmp/table-break.pdf
"$gk" render "$root/samples/table-break.yaml" -o "$brk" 2>"$tmp/brk.err"
check "table-break sample renders" test -s "$brk"
# the page where 表三 starts and the one it continues on
start=$(for p in 1 2 3 4 5 6; do pdftotext -f $p -l $p "$brk" - 2>/dev/null | grep -q '一、本年新收' && echo $p; done | head -1)
next=$((start + 1))
pdftotext -f "$start" -l "$start" -raw "$brk" "$tmp/p1.txt" 2>/dev/null
pdftotext -f "$next" -l "$next" -raw "$brk" "$tmp/p2.txt" 2>/dev/null
pdftotext -f "$next" -l "$next" -layout "$brk" "$tmp/p2-layout.txt" 2>/dev/null
p2=$(strip_ws < "$tmp/p2.txt")
case $p2 in
*一、本年新收*) header=no ;;
*（本列数据的勾稽关系为*申请人情况*法人或其他组织*法律服务机构*) header=yes ;;
*) header=no ;;
esac
if [ "$header" = yes ]; then
	pass "table-break: header rows repeated on the continuation page $next"
else
	fail "table-break: header rows repeated on the continuation page $next"
fi
# the spanning labels cut by the break stand on both pages
for label in '三、本年度办理结果' '（三）不予公开'; do
	if strip_ws < "$tmp/p1.txt" | grep -q "$label" && strip_ws < "$tmp/p2.txt" | grep -q "$label"; then
		pass "table-break: '$label' printed on both sides of the break"
	else
		fail "table-break: '$label' printed on both sides of the break"
	fi
done
# no cut row: every 表三 body row shows its seven numbers on exactly one page
rows=0
for p in $start $next; do
	n=$(pdftotext -f $p -l $p -layout "$brk" - 2>/dev/null |
		grep -cE '([0-9]+ +){6}[0-9]+ *$')
	rows=$((rows + n))
done
if [ "$rows" -eq 26 ]; then
	pass "table-break: 25 rows of 表三 (+ the row of 表四) each whole on one page"
else
	fail "table-break: 25 rows of 表三 (+ the row of 表四) each whole on one page" "counted $rows"
fi
if out=$(rows_in_order "$brk" "$start" "$next"); then
	pass "table-break: rows in the official order across the break"
else
	fail "table-break: rows in the official order across the break" "$out"
fi
# derived totals: 总计 column and （七）总计 row (38 new, 4 carried, 39 done)
if grep -Eq '38 *$' "$tmp/rows.txt" && grep -Eq '（七）总计 +31 +5 +1 +0 +1 +1 +39' "$tmp/rows.txt"; then
	pass "table-break: 总计 column and （七）总计 row derived"
else
	fail "table-break: 总计 column and （七）总计 row derived" "$(grep '总计' "$tmp/rows.txt" | head -3)"
fi

# --- large values, decimals, notes -------------------------------------------
big=$tmp/large-numbers.pdf
if "$gk" render "$root/samples/large-numbers.yaml" -o "$big" 2>"$tmp/big.err"; then
	pass "large-numbers sample renders (7 digits fit their cells)"
else
	fail "large-numbers sample renders (7 digits fit their cells)" "$(head -3 "$tmp/big.err")"
fi
pdftotext "$big" "$tmp/big.txt" 2>/dev/null
flat=$(strip_ws < "$tmp/big.txt")
for want in 1234567 2202370 4068.208 '22（其中修订16件）' '注：“结果纠正”包括被撤销'; do
	case $flat in
	*"$want"*) pass "large-numbers: '$want' printed as given or derived" ;;
	*) fail "large-numbers: '$want' printed as given or derived" ;;
	esac
done
case $flat in
*4068.2080*|*4068.21[!0-9]*) fail "large-numbers: the fee keeps exactly the decimals typed" ;;
*) pass "large-numbers: the fee keeps exactly the decimals typed" ;;
esac

# --- a landscape table: turned on its own page, page number upright --------
sed 's/^name: gov-annual-2021/name: landscape-test/' "$root/layouts/gov-annual-2021.yaml" |
	awk '/^  表三:/ { print; print "    orientation: landscape"; next } { print }' > "$tmp/landscape.yaml"
sed "s#^layout: .*#layout: $tmp/landscape.yaml#" "$root/samples/table-break.yaml" > "$tmp/landscape-report.yaml"
"$gk" render "$tmp/landscape-report.yaml" -o "$tmp/landscape.pdf" 2>"$tmp/landscape.err"
lp=$(for p in 1 2 3 4 5 6 7; do pdftotext -f $p -l $p "$tmp/landscape.pdf" - 2>/dev/null | grep -q '一、本年新收' && echo $p; done | head -1)
if [ -n "$lp" ]; then
	mutool draw -F stext -o "$tmp/landscape.stext" "$tmp/landscape.pdf" "$lp" 2>/dev/null
	turned=$(grep -c 'dir="0 -1"' "$tmp/landscape.stext")
	upright=$(grep -c 'dir="1 0"' "$tmp/landscape.stext")
	number=$(pdftotext -f "$lp" -l "$lp" -raw "$tmp/landscape.pdf" - 2>/dev/null | grep -c "^— $lp —$")
else
	turned=0 upright=0 number=0
fi
if [ "$turned" -gt 50 ] && [ "$upright" -eq 1 ] && [ "$number" -eq 1 ]; then
	pass "landscape: 表三 turned on page $lp, only its page number upright"
else
	fail "landscape: 表三 turned on page $lp, only its page number upright" \
		"turned $turned, upright $upright, number $number" "$(head -3 "$tmp/landscape.err")"
fi
