from rest_framework import serializers

from ..models import Job, Notification, Organisation, Region, User
from ..privacy import PersonalField


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class OrganisationSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    contact_person = PersonalField()
    contact_phone = PersonalField()

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "region", "region_name", "uscc", "contact_person", "contact_phone",
                  "created_at"]


class UserSerializer(serializers.ModelSerializer):
    role = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default="")
    full_name = PersonalField()
    email = PersonalField()
    phone = PersonalField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "role", "organisation", "organisation_name",
                  "is_active", "last_login"]


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "total", "done", "percent", "message", "result", "created_at",
                  "finished_at"]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "verb", "title", "body", "url", "created_at", "read_at"]
