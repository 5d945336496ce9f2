package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docpipe.standins.dynamo.ExpressionTokenizer.Token;
import dev.docpipe.standins.dynamo.ExpressionTokenizer.Type;
import dev.docpipe.standins.dynamo.Expressions.AddAction;
import dev.docpipe.standins.dynamo.Expressions.And;
import dev.docpipe.standins.dynamo.Expressions.Arithmetic;
import dev.docpipe.standins.dynamo.Expressions.Between;
import dev.docpipe.standins.dynamo.Expressions.BooleanFunction;
import dev.docpipe.standins.dynamo.Expressions.Comparison;
import dev.docpipe.standins.dynamo.Expressions.Condition;
import dev.docpipe.standins.dynamo.Expressions.DeleteAction;
import dev.docpipe.standins.dynamo.Expressions.Field;
import dev.docpipe.standins.dynamo.Expressions.FunctionCall;
import dev.docpipe.standins.dynamo.Expressions.In;
import dev.docpipe.standins.dynamo.Expressions.Index;
import dev.docpipe.standins.dynamo.Expressions.Not;
import dev.docpipe.standins.dynamo.Expressions.Operand;
import dev.docpipe.standins.dynamo.Expressions.Or;
import dev.docpipe.standins.dynamo.Expressions.Path;
import dev.docpipe.standins.dynamo.Expressions.PathElement;
import dev.docpipe.standins.dynamo.Expressions.PathRef;
import dev.docpipe.standins.dynamo.Expressions.SetAction;
import dev.docpipe.standins.dynamo.Expressions.UpdateExpression;
import dev.docpipe.standins.dynamo.Expressions.ValueRef;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A recursive-descent parser for DynamoDB's expression languages. Grammar, loosest binding first:
 * <pre>
 * condition  := and ( OR and )*
 * and        := not ( AND not )*
 * not        := NOT not | primary
 * primary    := '(' condition ')' | boolean-function | operand comparator operand
 *             | operand BETWEEN operand AND operand | operand IN '(' operand ( ',' operand )* ')'
 * operand    := path | :value | size '(' path ')'
 * path       := name ( '.' name | '[' digits ']' )*          name := identifier | #placeholder
 *
 * update     := ( SET set-action ( ',' set-action )* | REMOVE path ( ',' path )*
 *               | ADD path :value ( ',' path :value )* | DELETE path :value ( ',' path :value )* )+
 * set-action := path '=' value ( ( '+' | '-' ) value )?
 * value      := path | :value | if_not_exists '(' path ',' value ')' | list_append '(' value ',' value ')'
 *
 * projection := path ( ',' path )*
 * </pre>
 * Keywords are case-insensitive, function names case-sensitive; plain names may not be reserved words.
 */
final class ExpressionParser {
    private static final Set<String> BOOLEAN_FUNCTIONS =
            Set.of("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains");
    private static final Set<String> UPDATE_FUNCTIONS = Set.of("if_not_exists", "list_append");
    private static final Set<String> CLAUSES = Set.of("SET", "REMOVE", "ADD", "DELETE");
    private static final int MAX_IN_OPERANDS = 100;
    private static final int MAX_NESTING = 100;

    private final String text;
    private final String kind;
    private final ExpressionContext context;
    private final boolean update;
    private final List<Token> tokens;
    private int position;
    private int nesting;

    private ExpressionParser(String text, String kind, ExpressionContext context, boolean update) {
        this.text = text;
        this.kind = kind;
        this.context = context;
        this.update = update;
        context.expressionSeen();
        if (text.isBlank()) {
            throw DynamoException.validation("Invalid " + kind + ": The expression can not be empty;");
        }
        if (text.length() > 4096) {
            throw DynamoException.validation("Invalid " + kind + ": Expression size has exceeded the maximum allowed size");
        }
        this.tokens = ExpressionTokenizer.tokenize(text, kind);
    }

    /** Parses a ConditionExpression, FilterExpression or KeyConditionExpression ({@code kind}). */
    static Condition parseCondition(String text, String kind, ExpressionContext context) {
        ExpressionParser parser = new ExpressionParser(text, kind, context, false);
        Condition condition = parser.orCondition();
        parser.expect(Type.EOF);
        return condition;
    }

    static UpdateExpression parseUpdate(String text, ExpressionContext context) {
        ExpressionParser parser = new ExpressionParser(text, "UpdateExpression", context, true);
        return parser.updateExpression();
    }

    static List<Path> parseProjection(String text, ExpressionContext context) {
        ExpressionParser parser = new ExpressionParser(text, "ProjectionExpression", context, false);
        List<Path> paths = new ArrayList<>();
        do {
            paths.add(parser.path());
        } while (parser.accept(Type.COMMA));
        parser.expect(Type.EOF);
        parser.rejectOverlaps(paths);
        return List.copyOf(paths);
    }

    // ---------------------------------------------------------------- token helpers

    private Token peek() {
        return tokens.get(position);
    }

    private Token peekAt(int offset) {
        return tokens.get(Math.min(position + offset, tokens.size() - 1));
    }

    private Token next() {
        Token token = tokens.get(position);
        if (!token.is(Type.EOF)) {
            position++;
        }
        return token;
    }

    private boolean accept(Type type) {
        if (peek().is(type)) {
            next();
            return true;
        }
        return false;
    }

    private Token expect(Type type) {
        Token token = next();
        if (!token.is(type)) {
            throw syntaxError(token);
        }
        return token;
    }

    private DynamoException syntaxError(Token token) {
        return ExpressionTokenizer.syntaxError(kind, token.display(), text, token.position());
    }

    private DynamoException invalid(String detail) {
        return DynamoException.validation("Invalid " + kind + ": " + detail);
    }

    // ---------------------------------------------------------------- conditions

    private Condition orCondition() {
        Condition left = andCondition();
        while (peek().isKeyword("OR")) {
            next();
            left = new Or(left, andCondition());
        }
        return left;
    }

    private Condition andCondition() {
        Condition left = notCondition();
        while (peek().isKeyword("AND")) {
            next();
            left = new And(left, notCondition());
        }
        return left;
    }

    private Condition notCondition() {
        if (peek().isKeyword("NOT")) {
            next();
            enter();
            Condition negated = notCondition();
            nesting--;
            return new Not(negated);
        }
        return primaryCondition();
    }

    private Condition primaryCondition() {
        if (accept(Type.LPAREN)) {
            enter();
            Condition inner = orCondition();
            nesting--;
            expect(Type.RPAREN);
            return inner;
        }
        if (peek().is(Type.IDENTIFIER) && peekAt(1).is(Type.LPAREN) && BOOLEAN_FUNCTIONS.contains(peek().text())) {
            FunctionCall call = functionCall();
            validateBooleanFunction(call);
            Token after = peek();
            if (after.isComparator() || after.isKeyword("BETWEEN") || after.isKeyword("IN")) {
                throw invalid("The function is not allowed to be used this way in an expression; function: " + call.name());
            }
            return new BooleanFunction(call);
        }
        Operand left = operand();
        Token operator = peek();
        if (operator.isComparator()) {
            next();
            Operand right = operand();
            requireDistinct(operator.text(), left, List.of(right));
            return new Comparison(operator.text(), left, right);
        }
        if (operator.isKeyword("BETWEEN")) {
            next();
            Operand lower = operand();
            if (!peek().isKeyword("AND")) {
                throw syntaxError(peek());
            }
            next();
            Operand upper = operand();
            requireDistinct("BETWEEN", left, List.of(lower, upper));
            validateBetweenBounds(lower, upper);
            return new Between(left, lower, upper);
        }
        if (operator.isKeyword("IN")) {
            next();
            expect(Type.LPAREN);
            List<Operand> candidates = new ArrayList<>();
            do {
                candidates.add(operand());
            } while (accept(Type.COMMA));
            expect(Type.RPAREN);
            if (candidates.size() > MAX_IN_OPERANDS) {
                throw invalid("The IN operator is provided with too many operands; number of operands: " + candidates.size());
            }
            requireDistinct("IN", left, candidates);
            return new In(left, candidates);
        }
        if (left instanceof FunctionCall call) {
            throw invalid("The function is not allowed to be used this way in an expression; function: " + call.name());
        }
        throw syntaxError(operator);
    }

    private void enter() {
        if (++nesting > MAX_NESTING) {
            throw invalid("The expression has too many nested levels");
        }
    }

    private void validateBooleanFunction(FunctionCall call) {
        List<Operand> args = call.args();
        switch (call.name()) {
            case "attribute_exists", "attribute_not_exists" -> {
                requireArgumentCount(call, 1);
                requirePath(call, args.get(0));
            }
            case "attribute_type" -> {
                requireArgumentCount(call, 2);
                if (!(args.get(1) instanceof ValueRef typeRef)) {
                    throw invalid("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: PATH");
                }
                JsonNode type = typeRef.value();
                String typeName = AttributeValues.type(type).equals("S") ? type.get("S").textValue() : null;
                if (typeName == null || !AttributeValues.TYPES.contains(typeName)) {
                    throw invalid("Invalid attribute type name found; type: " + (typeName == null ? AttributeValues.type(type) : typeName)
                            + ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
                }
            }
            case "begins_with" -> {
                requireArgumentCount(call, 2);
                for (Operand arg : args) {
                    if (arg instanceof ValueRef value) {
                        String type = AttributeValues.type(value.value());
                        if (!type.equals("S") && !type.equals("B")) {
                            throw invalid("Incorrect operand type for operator or function; operator or function: begins_with, operand type: " + type);
                        }
                    }
                }
                requireDistinct("begins_with", args.get(0), args.subList(1, 2));
            }
            case "contains" -> {
                requireArgumentCount(call, 2);
                requireDistinct("contains", args.get(0), args.subList(1, 2));
            }
            default -> throw new IllegalStateException(call.name());
        }
    }

    /** DynamoDB rejects e.g. {@code a = a}: the first operand must differ from the others. */
    private void requireDistinct(String operator, Operand first, List<Operand> others) {
        if (first instanceof PathRef(Path path)) {
            for (Operand other : others) {
                if (other instanceof PathRef(Path otherPath) && otherPath.equals(path)) {
                    throw invalid("The first operand must be distinct from the remaining operands for this operator or function; operator: "
                            + operator + ", first operand: " + path.describe());
                }
            }
        }
    }

    private void validateBetweenBounds(Operand lower, Operand upper) {
        if (lower instanceof ValueRef low && upper instanceof ValueRef high) {
            String lowType = AttributeValues.type(low.value());
            String highType = AttributeValues.type(high.value());
            String operands = "lower bound operand: AttributeValue: {" + lowType + ":" + low.value().get(lowType).asText()
                    + "}, upper bound operand: AttributeValue: {" + highType + ":" + high.value().get(highType).asText() + "}";
            if (!lowType.equals(highType)) {
                throw invalid("The BETWEEN operator requires same data type for lower and upper bounds; " + operands);
            }
            Integer order = AttributeValues.compare(low.value(), high.value());
            if (order != null && order > 0) {
                throw invalid("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; " + operands);
            }
        }
    }

    // ---------------------------------------------------------------- operands

    /** An operand: of a condition, or (in update mode) of a SET action. */
    private Operand operand() {
        Token token = peek();
        if (token.is(Type.VALUE_PLACEHOLDER)) {
            next();
            return new ValueRef(token.text(), context.value(token.text(), kind));
        }
        if (token.is(Type.IDENTIFIER) && peekAt(1).is(Type.LPAREN)) {
            return update ? updateFunction() : conditionFunction();
        }
        return new PathRef(path());
    }

    private FunctionCall conditionFunction() {
        String name = peek().text();
        if (BOOLEAN_FUNCTIONS.contains(name)) {
            throw invalid("The function is not allowed to be used this way in an expression; function: " + name);
        }
        if (UPDATE_FUNCTIONS.contains(name)) {
            throw invalid("The function is not allowed in a condition expression; function: " + name);
        }
        if (!name.equals("size")) {
            throw invalid("Invalid function name; function: " + name);
        }
        FunctionCall call = functionCall();
        requireArgumentCount(call, 1);
        return call;
    }

    private FunctionCall updateFunction() {
        String name = peek().text();
        if (BOOLEAN_FUNCTIONS.contains(name) || name.equals("size")) {
            throw invalid("The function is not allowed in an update expression; function: " + name);
        }
        if (!UPDATE_FUNCTIONS.contains(name)) {
            throw invalid("Invalid function name; function: " + name);
        }
        FunctionCall call = functionCall();
        requireArgumentCount(call, 2);
        if (name.equals("if_not_exists")) {
            requirePath(call, call.args().get(0));
        } else {
            for (Operand arg : call.args()) {
                requireLiteralType(arg, "L", name);
            }
        }
        return call;
    }

    private FunctionCall functionCall() {
        String name = next().text();
        expect(Type.LPAREN);
        enter();
        List<Operand> args = new ArrayList<>();
        if (!peek().is(Type.RPAREN)) {
            do {
                args.add(operand());
            } while (accept(Type.COMMA));
        }
        nesting--;
        expect(Type.RPAREN);
        return new FunctionCall(name, List.copyOf(args));
    }

    private void requireArgumentCount(FunctionCall call, int count) {
        if (call.args().size() != count) {
            throw invalid("Incorrect number of operands for operator or function; operator or function: " + call.name()
                    + ", number of operands: " + call.args().size());
        }
    }

    private void requirePath(FunctionCall call, Operand operand) {
        if (!(operand instanceof PathRef)) {
            throw invalid("Operator or function requires a document path; operator or function: " + call.name());
        }
    }

    private void requireLiteralType(Operand operand, String type, String operator) {
        if (operand instanceof ValueRef value && !AttributeValues.type(value.value()).equals(type)) {
            throw invalid("Incorrect operand type for operator or function; operator or function: " + operator
                    + ", operand type: " + AttributeValues.type(value.value()));
        }
    }

    private Path path() {
        List<PathElement> elements = new ArrayList<>();
        elements.add(new Field(pathName()));
        while (true) {
            if (accept(Type.DOT)) {
                elements.add(new Field(pathName()));
            } else if (accept(Type.LBRACKET)) {
                Token number = expect(Type.NUMBER);
                expect(Type.RBRACKET);
                try {
                    elements.add(new Index(Integer.parseInt(number.text())));
                } catch (NumberFormatException e) {
                    throw syntaxError(number);
                }
            } else {
                return new Path(List.copyOf(elements));
            }
        }
    }

    private String pathName() {
        Token token = next();
        if (token.is(Type.NAME_PLACEHOLDER)) {
            return context.name(token.text(), kind);
        }
        if (token.is(Type.IDENTIFIER)) {
            if (ReservedWords.isReserved(token.text())) {
                throw invalid("Attribute name is a reserved keyword; reserved keyword: " + token.text());
            }
            return token.text();
        }
        throw syntaxError(token);
    }

    // ---------------------------------------------------------------- updates

    private UpdateExpression updateExpression() {
        List<SetAction> sets = new ArrayList<>();
        List<Path> removes = new ArrayList<>();
        List<AddAction> adds = new ArrayList<>();
        List<DeleteAction> deletes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        do {
            Token keyword = next();
            String clause = keyword.is(Type.IDENTIFIER) ? keyword.text().toUpperCase(Locale.ROOT) : "";
            if (!CLAUSES.contains(clause)) {
                throw syntaxError(keyword);
            }
            if (!seen.add(clause)) {
                throw invalid("The \"" + clause + "\" section can only be used once in an update expression;");
            }
            do {
                switch (clause) {
                    case "SET" -> {
                        Path target = path();
                        expect(Type.EQ);
                        sets.add(new SetAction(target, setValue()));
                    }
                    case "REMOVE" -> removes.add(path());
                    case "ADD" -> {
                        Path target = path();
                        ValueRef value = valueRef();
                        String type = AttributeValues.type(value.value());
                        if (!type.equals("N") && !AttributeValues.isSetType(type)) {
                            throw invalid("Incorrect operand type for operator or function; operator: ADD, operand type: " + type);
                        }
                        adds.add(new AddAction(target, value));
                    }
                    default -> {
                        Path target = path();
                        ValueRef value = valueRef();
                        String type = AttributeValues.type(value.value());
                        if (!AttributeValues.isSetType(type)) {
                            throw invalid("Incorrect operand type for operator or function; operator: DELETE, operand type: " + type);
                        }
                        deletes.add(new DeleteAction(target, value));
                    }
                }
            } while (accept(Type.COMMA));
        } while (!peek().is(Type.EOF));
        UpdateExpression expression = new UpdateExpression(List.copyOf(sets), List.copyOf(removes), List.copyOf(adds), List.copyOf(deletes));
        rejectOverlaps(expression.targets());
        return expression;
    }

    private Operand setValue() {
        Operand left = operand();
        if (peek().is(Type.PLUS) || peek().is(Type.MINUS)) {
            Token operator = next();
            Operand right = operand();
            requireLiteralType(left, "N", operator.text());
            requireLiteralType(right, "N", operator.text());
            return new Arithmetic(operator.is(Type.PLUS), left, right);
        }
        return left;
    }

    private ValueRef valueRef() {
        Token token = expect(Type.VALUE_PLACEHOLDER);
        return new ValueRef(token.text(), context.value(token.text(), kind));
    }

    /** Two paths of one update or projection may neither overlap (a, a.b) nor conflict (a.b, a[0]). */
    private void rejectOverlaps(List<Path> paths) {
        for (int i = 0; i < paths.size(); i++) {
            for (int j = i + 1; j < paths.size(); j++) {
                Path one = paths.get(i);
                Path two = paths.get(j);
                if (one.overlaps(two)) {
                    throw invalid("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "
                            + one.describe() + ", path two: " + two.describe());
                }
                if (conflict(one, two)) {
                    throw invalid("Two document paths conflict with each other; must remove or rewrite one of these paths; path one: "
                            + one.describe() + ", path two: " + two.describe());
                }
            }
        }
    }

    private static boolean conflict(Path one, Path two) {
        int common = Math.min(one.elements().size(), two.elements().size());
        for (int k = 0; k < common; k++) {
            PathElement a = one.elements().get(k);
            PathElement b = two.elements().get(k);
            if (!a.equals(b)) {
                return a.getClass() != b.getClass();
            }
        }
        return false;
    }
}
