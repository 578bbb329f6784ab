// SPDX-License-Identifier: MIT
#include "flakelock.h"
#include "safeurl.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QMap>
#include <QStringList>

#include <vector>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 OldestVersion = 5;
constexpr qint64 NewestVersion = 7;

// Names come from the file: a hostile one must neither bloat the message nor break it in two.
QString shortened(const QString &text)
{
    constexpr qsizetype MaxShown = 60;
    QString shown = text.left(MaxShown);
    for (QChar &c : shown) {
        if (c.unicode() < 0x20)
            c = u'?';
    }
    if (text.size() > MaxShown)
        shown += u"..."_s;
    return shown;
}

QString quoted(const QString &text)
{
    return u"\""_s + shortened(text) + u"\""_s;
}

// JSON numbers are doubles; an integer field must hold a whole number that survives the trip.
std::optional<qint64> integerValue(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const qint64 integer = value.toInteger();
    if (double(integer) != value.toDouble())
        return std::nullopt;
    return integer;
}

// An absent field reads as an empty string; nullopt means it is there with the wrong type.
std::optional<QString> stringField(const QJsonObject &object, const QString &field)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined())
        return QString();
    if (!value.isString())
        return std::nullopt;
    return value.toString();
}

// Where an input points: straight at a lock node, or along a follows path from the root.
struct InputTarget
{
    QString node;
    QStringList follows;
    bool isFollows = false;
};

// A node's inputs by name; a map, so the root's come out sorted. What a node pins stays in the
// JSON and is only read for the root's inputs: copying it for every node costs more than parsing.
using NodeInputs = QMap<QString, InputTarget>;
using NodeMap = QHash<QString, NodeInputs>;

// One input of one node: the unit follows resolution remembers.
struct InputRef
{
    QString node;
    QString input;
    bool operator==(const InputRef &) const = default;
};

size_t qHash(const InputRef &ref, size_t seed = 0)
{
    return qHashMulti(seed, ref.node, ref.input);
}

QString inputLabel(const InputRef &ref, const QString &rootKey)
{
    if (ref.node == rootKey)
        return u"input "_s + quoted(ref.input);
    return u"input "_s + quoted(ref.input) + u" of node "_s + quoted(ref.node);
}

// Follows paths are walked with an explicit stack, not recursion, because a lock can chain
// follows arbitrarily deep. Every input is resolved once and remembered, so a whole lock costs
// time linear in the total length of its follows paths.
class FollowsResolver
{
public:
    FollowsResolver(const NodeMap &nodes, const QString &rootKey)
        : m_nodes(nodes), m_rootKey(rootKey)
    {
    }

    // The key of the node `ref` finally stands for, or nullopt with error() set.
    std::optional<QString> resolve(const InputRef &ref);
    const QString &error() const { return m_error; }

private:
    // One follows path being walked; `current` is the node reached by its first `next` names.
    struct Frame
    {
        InputRef ref;
        QStringList path;
        qsizetype next = 0;
        QString current;
    };
    enum class Step
    {
        Done,
        Pushed,
        Failed
    };

    Step enter(const InputRef &ref);
    Step advance();
    void finishTop();
    Step failCycle(const InputRef &ref);
    Step failMissing(const InputRef &ref);
    QString walked(const Frame &frame) const { return frame.path.first(frame.next).join(u'/'); }
    QString refName(const InputRef &ref) const;

    const NodeMap &m_nodes;
    QString m_rootKey;
    QHash<InputRef, QString> m_resolved;
    QHash<InputRef, qsizetype> m_onStack; // stack position, so a cycle can be printed from there
    std::vector<Frame> m_stack;
    InputRef m_start;
    QString m_result; // value of the input entered or finished last
    QString m_error;
};

std::optional<QString> FollowsResolver::resolve(const InputRef &ref)
{
    m_start = ref;
    m_stack.clear();
    m_onStack.clear();
    Step step = enter(ref);
    while (step != Step::Failed && !m_stack.empty())
        step = advance();
    if (step == Step::Failed)
        return std::nullopt;
    return m_result;
}

FollowsResolver::Step FollowsResolver::enter(const InputRef &ref)
{
    if (const auto known = m_resolved.constFind(ref); known != m_resolved.cend()) {
        m_result = *known;
        return Step::Done;
    }
    if (m_onStack.contains(ref))
        return failCycle(ref);
    const auto node = m_nodes.constFind(ref.node);
    if (node == m_nodes.cend())
        return failMissing(ref);
    const auto input = node->constFind(ref.input);
    if (input == node->cend())
        return failMissing(ref);
    if (!input->isFollows) {
        m_resolved.insert(ref, input->node);
        m_result = input->node;
        return Step::Done;
    }
    m_onStack.insert(ref, qsizetype(m_stack.size()));
    m_stack.push_back(Frame{ref, input->follows, 0, m_rootKey});
    return Step::Pushed;
}

FollowsResolver::Step FollowsResolver::advance()
{
    Frame &top = m_stack.back();
    if (top.next == top.path.size()) {
        finishTop();
        return Step::Done;
    }
    const InputRef child{top.current, top.path.at(top.next)};
    ++top.next;
    const Step step = enter(child);
    // Only a finished child leaves `top` valid; a pushed one hands its result back in finishTop.
    if (step == Step::Done)
        m_stack.back().current = m_result;
    return step;
}

void FollowsResolver::finishTop()
{
    const Frame done = std::move(m_stack.back());
    m_stack.pop_back();
    m_onStack.remove(done.ref);
    m_resolved.insert(done.ref, done.current);
    m_result = done.current;
    if (!m_stack.empty())
        m_stack.back().current = m_result;
}

QString FollowsResolver::refName(const InputRef &ref) const
{
    if (ref.node == m_rootKey)
        return ref.input;
    return ref.node + u'/' + ref.input;
}

FollowsResolver::Step FollowsResolver::failCycle(const InputRef &ref)
{
    constexpr qsizetype MaxLinks = 8;
    const qsizetype first = m_onStack.value(ref);
    // Each frame was entered by the path its parent had walked, which reads better than node keys.
    QStringList chain{first == 0 ? refName(m_stack.front().ref) : walked(m_stack[first - 1])};
    for (auto i = std::size_t(first); i < m_stack.size(); ++i)
        chain << walked(m_stack[i]);
    if (chain.size() > MaxLinks)
        chain = chain.first(MaxLinks / 2) + QStringList{u"..."_s} + chain.last(MaxLinks / 2);
    for (QString &link : chain)
        link = shortened(link);
    m_error = inputLabel(m_start, m_rootKey) + u" follows a cycle: "_s + chain.join(u" -> "_s);
    return Step::Failed;
}

FollowsResolver::Step FollowsResolver::failMissing(const InputRef &ref)
{
    const QString missing = m_stack.empty() ? refName(ref) : walked(m_stack.back());
    m_error = inputLabel(m_start, m_rootKey) + u" follows a missing input "_s + quoted(missing);
    return Step::Failed;
}

// Reads what one lock node pins into a FlakeInput, checking the fields it needs.
class SourceReader
{
public:
    // `node` must have passed LockReader::readSource.
    SourceReader(const QString &key, const QJsonObject &node)
        : m_key(key), m_locked(node.value(u"locked"_s).toObject()),
          m_original(node.value(u"original"_s).toObject()),
          m_isFlake(node.value(u"flake"_s).toBool(true))
    {
    }

    std::optional<FlakeInput> read(const QString &name);
    const QString &error() const { return m_error; }

private:
    bool optionalString(const QJsonObject &object, const QString &section, const QString &field,
                        QString &out);
    bool lockedString(const QString &field, QString &out, bool required);
    bool readLocation(FlakeInput &input);
    bool readIndirectId(FlakeInput &input);
    bool readRef(FlakeInput &input);
    bool readLastModified(FlakeInput &input);
    bool fail(const QString &message);

    QString m_key;
    QJsonObject m_locked;
    QJsonObject m_original;
    bool m_isFlake;
    QString m_error;
};

std::optional<FlakeInput> SourceReader::read(const QString &name)
{
    FlakeInput input;
    input.name = name;
    input.node = m_key;
    input.isFlake = m_isFlake;
    if (!lockedString(u"type"_s, input.type, true) || !lockedString(u"rev"_s, input.rev, false) ||
        !readLocation(input) || !readRef(input) || !readLastModified(input))
        return std::nullopt;
    return input;
}

bool SourceReader::optionalString(const QJsonObject &object, const QString &section,
                                  const QString &field, QString &out)
{
    const std::optional<QString> value = stringField(object, field);
    if (!value)
        return fail(u"node "_s + quoted(m_key) + u": \""_s + section + u'.' + field +
                    u"\" is not a string"_s);
    out = *value;
    return true;
}

bool SourceReader::lockedString(const QString &field, QString &out, bool required)
{
    if (!optionalString(m_locked, u"locked"_s, field, out))
        return false;
    if (required && out.isEmpty())
        return fail(u"node "_s + quoted(m_key) + u" has no \"locked."_s + field + u'"');
    return true;
}

bool SourceReader::readLocation(FlakeInput &input)
{
    const QString &type = input.type;
    if (type == u"github" || type == u"gitlab" || type == u"sourcehut")
        return lockedString(u"owner"_s, input.owner, true) &&
               lockedString(u"repo"_s, input.repo, true);
    if (type == u"git" || type == u"tarball" || type == u"file")
        return lockedString(u"url"_s, input.url, true);
    if (type == u"path")
        return lockedString(u"path"_s, input.url, true);
    if (type == u"indirect")
        return readIndirectId(input);
    // A fetcher this parser does not know yet (hg, ...) is no reason to reject the lock.
    return lockedString(u"url"_s, input.url, false);
}

bool SourceReader::readIndirectId(FlakeInput &input)
{
    if (!lockedString(u"id"_s, input.url, false))
        return false;
    if (input.url.isEmpty() && !optionalString(m_original, u"original"_s, u"id"_s, input.url))
        return false;
    if (input.url.isEmpty())
        return fail(u"node "_s + quoted(m_key) + u" is indirect but has no \"id\""_s);
    return true;
}

bool SourceReader::readRef(FlakeInput &input)
{
    // The original ref is the branch the user asked for; the locked one is only a fallback.
    if (m_original.contains(u"ref"_s))
        return optionalString(m_original, u"original"_s, u"ref"_s, input.ref);
    return lockedString(u"ref"_s, input.ref, false);
}

bool SourceReader::readLastModified(FlakeInput &input)
{
    const QJsonValue value = m_locked.value(u"lastModified"_s);
    if (value.isUndefined())
        return true;
    input.lastModified = integerValue(value);
    if (!input.lastModified)
        return fail(u"node "_s + quoted(m_key) + u": \"locked.lastModified\" is not an integer"_s);
    return true;
}

bool SourceReader::fail(const QString &message)
{
    m_error = message;
    return false;
}

class LockReader
{
public:
    std::optional<FlakeLock> read(const QByteArray &json);
    const QString &error() const { return m_error; }

private:
    std::optional<QJsonObject> parseDocument(const QByteArray &json);
    std::optional<int> readVersion(const QJsonObject &top);
    bool readNodes(const QJsonObject &top);
    bool readNode(const QString &key, const QJsonValue &value);
    bool readInputs(const QString &key, const QJsonObject &object, NodeInputs &inputs);
    std::optional<InputTarget> readTarget(const InputRef &ref, const QJsonValue &value);
    bool readSource(const QString &key, const QJsonObject &object);
    bool checkObject(const QString &key, const QJsonObject &object, const QString &field);
    std::optional<QList<FlakeInput>> rootInputs(FollowsResolver &resolver);
    bool checkOtherFollows(FollowsResolver &resolver);
    bool fail(const QString &message);
    // Only for keys already checked to exist: readTarget vets every reference up front.
    const NodeInputs &inputsOf(const QString &key) const { return *m_nodes.constFind(key); }

    QJsonObject m_nodesJson;
    QString m_rootKey;
    NodeMap m_nodes;
    QString m_error;
};

std::optional<FlakeLock> LockReader::read(const QByteArray &json)
{
    const std::optional<QJsonObject> top = parseDocument(json);
    if (!top)
        return std::nullopt;
    FlakeLock lock;
    const std::optional<int> version = readVersion(*top);
    if (!version || !readNodes(*top))
        return std::nullopt;
    lock.version = *version;
    FollowsResolver resolver(m_nodes, m_rootKey);
    std::optional<QList<FlakeInput>> inputs = rootInputs(resolver);
    if (!inputs || !checkOtherFollows(resolver))
        return std::nullopt;
    lock.inputs = std::move(*inputs);
    return lock;
}

std::optional<QJsonObject> LockReader::parseDocument(const QByteArray &json)
{
    if (json.isEmpty()) {
        fail(u"flake.lock is empty"_s);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        fail(u"flake.lock is not valid JSON: %1 at offset %2"_s.arg(parseError.errorString())
                 .arg(parseError.offset));
        return std::nullopt;
    }
    if (!document.isObject()) {
        fail(u"flake.lock is not a JSON object"_s);
        return std::nullopt;
    }
    return document.object();
}

std::optional<int> LockReader::readVersion(const QJsonObject &top)
{
    const QJsonValue value = top.value(u"version"_s);
    if (value.isUndefined()) {
        fail(u"flake.lock has no \"version\""_s);
        return std::nullopt;
    }
    const std::optional<qint64> version = integerValue(value);
    if (!version) {
        fail(u"flake.lock \"version\" is not an integer"_s);
        return std::nullopt;
    }
    if (*version < OldestVersion || *version > NewestVersion) {
        fail(u"unsupported flake.lock version %1 (supported: %2 to %3)"_s.arg(*version)
                 .arg(OldestVersion)
                 .arg(NewestVersion));
        return std::nullopt;
    }
    return int(*version);
}

bool LockReader::readNodes(const QJsonObject &top)
{
    const QJsonValue nodesValue = top.value(u"nodes"_s);
    const QJsonValue rootValue = top.value(u"root"_s);
    if (nodesValue.isUndefined())
        return fail(u"flake.lock has no \"nodes\""_s);
    if (!nodesValue.isObject())
        return fail(u"flake.lock \"nodes\" is not an object"_s);
    if (rootValue.isUndefined())
        return fail(u"flake.lock has no \"root\""_s);
    if (!rootValue.isString())
        return fail(u"flake.lock \"root\" is not a string"_s);
    m_nodesJson = nodesValue.toObject();
    m_rootKey = rootValue.toString();
    if (!m_nodesJson.contains(m_rootKey))
        return fail(u"root node "_s + quoted(m_rootKey) + u" does not exist"_s);
    m_nodes.reserve(m_nodesJson.size());
    for (auto it = m_nodesJson.constBegin(); it != m_nodesJson.constEnd(); ++it) {
        if (!readNode(it.key(), it.value()))
            return false;
    }
    return true;
}

bool LockReader::readNode(const QString &key, const QJsonValue &value)
{
    if (!value.isObject())
        return fail(u"node "_s + quoted(key) + u" is not an object"_s);
    const QJsonObject object = value.toObject();
    NodeInputs inputs;
    if (!readInputs(key, object, inputs))
        return false;
    // The root is the flake itself: it pins nothing, so only its inputs matter.
    if (key != m_rootKey && !readSource(key, object))
        return false;
    m_nodes.insert(key, std::move(inputs));
    return true;
}

bool LockReader::readInputs(const QString &key, const QJsonObject &object, NodeInputs &inputs)
{
    const QJsonValue value = object.value(u"inputs"_s);
    if (value.isUndefined())
        return true;
    if (!value.isObject())
        return fail(u"node "_s + quoted(key) + u": \"inputs\" is not an object"_s);
    const QJsonObject inputObject = value.toObject();
    for (auto it = inputObject.constBegin(); it != inputObject.constEnd(); ++it) {
        const std::optional<InputTarget> target = readTarget({key, it.key()}, it.value());
        if (!target)
            return false;
        inputs.insert(it.key(), *target);
    }
    return true;
}

std::optional<InputTarget> LockReader::readTarget(const InputRef &ref, const QJsonValue &value)
{
    InputTarget target;
    if (value.isString()) {
        target.node = value.toString();
        if (m_nodesJson.contains(target.node))
            return target;
        fail(inputLabel(ref, m_rootKey) + u" refers to missing node "_s + quoted(target.node));
        return std::nullopt;
    }
    if (!value.isArray()) {
        fail(inputLabel(ref, m_rootKey) + u" is neither a node name nor a follows path"_s);
        return std::nullopt;
    }
    target.isFollows = true;
    const QJsonArray path = value.toArray();
    target.follows.reserve(path.size());
    for (const QJsonValue &step : path) {
        if (!step.isString()) {
            fail(inputLabel(ref, m_rootKey) + u" has a follows path with a non-string step"_s);
            return std::nullopt;
        }
        target.follows.append(step.toString());
    }
    return target;
}

bool LockReader::readSource(const QString &key, const QJsonObject &object)
{
    if (!checkObject(key, object, u"locked"_s) || !checkObject(key, object, u"original"_s))
        return false;
    const QJsonObject locked = object.value(u"locked"_s).toObject();
    const std::optional<QString> type = stringField(locked, u"type"_s);
    if (!type || type->isEmpty())
        return fail(u"node "_s + quoted(key) + u" has no string \"locked.type\""_s);
    const QJsonValue flake = object.value(u"flake"_s);
    if (!flake.isUndefined() && !flake.isBool())
        return fail(u"node "_s + quoted(key) + u": \"flake\" is not a boolean"_s);
    return true;
}

bool LockReader::checkObject(const QString &key, const QJsonObject &object, const QString &field)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined())
        return fail(u"node "_s + quoted(key) + u" has no \""_s + field + u"\" attribute"_s);
    if (!value.isObject())
        return fail(u"node "_s + quoted(key) + u": \""_s + field + u"\" is not an object"_s);
    return true;
}

std::optional<QList<FlakeInput>> LockReader::rootInputs(FollowsResolver &resolver)
{
    QList<FlakeInput> inputs;
    const NodeInputs &root = inputsOf(m_rootKey);
    inputs.reserve(root.size());
    for (auto it = root.constBegin(); it != root.constEnd(); ++it) {
        const std::optional<QString> key = resolver.resolve({m_rootKey, it.key()});
        if (!key) {
            fail(resolver.error());
            return std::nullopt;
        }
        if (*key == m_rootKey) {
            fail(u"input "_s + quoted(it.key()) + u" follows the root flake"_s);
            return std::nullopt;
        }
        SourceReader source(*key, m_nodesJson.value(*key).toObject());
        std::optional<FlakeInput> input = source.read(it.key());
        if (!input) {
            fail(source.error());
            return std::nullopt;
        }
        // No credential from the lock gets further: not into metrics, /status, windows or logs.
        input->url = SafeUrl::of(input->url);
        inputs.append(std::move(*input));
    }
    return inputs;
}

// A follows that dangles or loops deeper in the graph breaks the lock for Nix just the same.
// Walking the JSON keys rather than the hash keeps the first error reported the same every run.
bool LockReader::checkOtherFollows(FollowsResolver &resolver)
{
    for (auto node = m_nodesJson.constBegin(); node != m_nodesJson.constEnd(); ++node) {
        const QString key = node.key();
        if (key == m_rootKey)
            continue;
        const NodeInputs &inputs = inputsOf(key);
        for (auto it = inputs.constBegin(); it != inputs.constEnd(); ++it) {
            if (it->isFollows && !resolver.resolve({key, it.key()}))
                return fail(resolver.error());
        }
    }
    return true;
}

bool LockReader::fail(const QString &message)
{
    m_error = message;
    return false;
}

} // namespace

std::optional<FlakeLock> FlakeLock::parse(const QByteArray &json, QString *error)
{
    LockReader reader;
    std::optional<FlakeLock> lock = reader.read(json);
    if (error)
        *error = reader.error();
    return lock;
}
