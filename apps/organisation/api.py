from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.api import query_filters
from apps.organisation import selectors, services
from apps.organisation.models import Team
from apps.organisation.roles import ROLE_CAPABILITIES, Capability, Role

User = get_user_model()


class TeamSerializer(serializers.ModelSerializer):
    # (a declared field named like Field.parent: DRF's metaclass takes it out of the class)
    parent = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True, required=False)  # type: ignore[assignment]
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = Team
        fields = ["id", "name", "kind", "parent", "leader", "created_at"]
        read_only_fields = ["id", "created_at"]


class PersonSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.exclude(kind=Team.Kind.REGION),
        allow_null=True,
        required=False,
        source="membership.team",
    )
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text="Leave out to invite the person instead.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "phone",
            "employee_no",
            "roles",
            "team",
            "language",
            "is_active",
            "date_joined",
            "deactivated_at",
            "password",
        ]
        read_only_fields = ["id", "is_active", "date_joined", "deactivated_at"]


class PeopleFilters(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Part of a name, email or 工号.")
    active = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true or false; left out: everyone."
    )


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People of the brand. People are deactivated, never deleted."""

    serializer_class = PersonSerializer
    read_capability = Capability.ORG_VIEW
    write_capability = Capability.ORG_MANAGE

    def get_queryset(self):
        filters = query_filters(PeopleFilters, self.request)
        return selectors.people_list(search=filters.get("q", ""), active=filters.get("active"))

    @extend_schema(parameters=[PeopleFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        team = data.pop("membership", {}).get("team")
        serializer.instance = services.person_create(team=team, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("password", None)
        team = data.pop("membership")["team"] if "membership" in data else ...  # absent: unchanged
        person = services.person_update(person=serializer.instance, team=team, **data)
        serializer.instance = self.get_queryset().get(pk=person.pk)  # fresh team, not the cached one

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        services.person_deactivate(person=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        services.person_reactivate(person=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamViewSet(viewsets.ModelViewSet):
    """Stores, groups and regions; a team's parent is a region."""

    serializer_class = TeamSerializer
    read_capability = Capability.ORG_VIEW
    write_capability = Capability.ORG_MANAGE
    queryset = Team.objects.order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.team_create(**serializer.validated_data)

    def perform_update(self, serializer):
        team = serializer.instance
        data = {
            "name": team.name,
            "kind": team.kind,
            "parent": team.parent,
            "leader": team.leader,
            **serializer.validated_data,
        }
        serializer.instance = services.team_update(team=team, **data)

    def perform_destroy(self, instance):
        services.team_delete(team=instance)


class RoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    capabilities = serializers.ListField(child=serializers.CharField())


class RoleListView(APIView):
    """The roles a person can hold and what each may do."""

    read_capability = Capability.ORG_VIEW

    @extend_schema(responses=RoleSerializer(many=True))
    def get(self, request):
        data = [
            {"code": code, "name": str(name), "capabilities": sorted(ROLE_CAPABILITIES[code])}
            for code, name in Role.choices
        ]
        return Response(RoleSerializer(data, many=True).data)
